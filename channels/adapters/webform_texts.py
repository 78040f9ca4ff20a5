"""The web form's words in the five languages we serve, and the default privacy notices.

The notices follow Infopark's policy: the person is told that questions and answers,
including contact data, are stored electronically, and why. A channel may replace them
(`notice_<lang>` settings); `desk.privacy` will later supply versioned notices.
"""

LANGUAGES = ("en", "de", "fr", "pl", "sv")
DEFAULT_NOTICE_VERSION = "default-1"

NOTICES = {
    "en": (
        "We store your question, our answers and your contact data electronically, because "
        "several members of our team may work on your inquiry, to keep the conversation "
        "together, and to answer similar questions faster."
    ),
    "de": (
        "Wir speichern Ihre Frage, unsere Antworten und Ihre Kontaktdaten elektronisch, weil "
        "mehrere Mitarbeitende Ihre Anfrage bearbeiten können, um den Gesprächsverlauf "
        "zusammenzuhalten und um ähnliche Fragen schneller zu beantworten."
    ),
    "fr": (
        "Nous enregistrons votre question, nos réponses et vos coordonnées sous forme "
        "électronique, car plusieurs personnes de notre équipe peuvent traiter votre demande, "
        "afin de garder le fil de la conversation et de répondre plus vite aux questions "
        "similaires."
    ),
    "pl": (
        "Przechowujemy elektronicznie Twoje pytanie, nasze odpowiedzi i Twoje dane kontaktowe, "
        "ponieważ Twoją sprawą może zajmować się kilka osób z naszego zespołu, aby zachować "
        "ciągłość rozmowy i szybciej odpowiadać na podobne pytania."
    ),
    "sv": (
        "Vi sparar din fråga, våra svar och dina kontaktuppgifter elektroniskt, eftersom flera "
        "i vårt team kan arbeta med ditt ärende, för att hålla ihop samtalet och för att "
        "snabbare kunna svara på liknande frågor."
    ),
}

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Contact us",
        "name": "Your name",
        "email": "Your e-mail address",
        "message": "Your message",
        "language": "Language",
        "privacy": "Privacy notice",
        "submit": "Send",
        "thanks": "Thank you. We have received your message and will answer by e-mail.",
        "required": "Please fill in this field.",
        "blank": "This field has only spaces or invisible characters.",
        "bad_email": "Please enter a valid e-mail address.",
        "too_long": "Please keep this under {limit} characters.",
        "expired": "This form has expired. Please send it again.",
        "rate_limited": "Too many messages from your address. Please try again later.",
        "confirm_subject": "We have received your message",
        "confirm_intro": (
            "Hello {name},\n\nthank you for your message. We will answer you by e-mail."
        ),
        "your_message": "Your message",
    },
    "de": {
        "title": "Kontakt",
        "name": "Ihr Name",
        "email": "Ihre E-Mail-Adresse",
        "message": "Ihre Nachricht",
        "language": "Sprache",
        "privacy": "Datenschutzhinweis",
        "submit": "Senden",
        "thanks": "Vielen Dank. Wir haben Ihre Nachricht erhalten und antworten per E-Mail.",
        "required": "Bitte füllen Sie dieses Feld aus.",
        "blank": "Dieses Feld enthält nur Leerzeichen oder unsichtbare Zeichen.",
        "bad_email": "Bitte geben Sie eine gültige E-Mail-Adresse ein.",
        "too_long": "Bitte höchstens {limit} Zeichen.",
        "expired": "Das Formular ist abgelaufen. Bitte senden Sie es erneut.",
        "rate_limited": "Zu viele Nachrichten von Ihrer Adresse. Bitte versuchen Sie es später.",
        "confirm_subject": "Wir haben Ihre Nachricht erhalten",
        "confirm_intro": (
            "Hallo {name},\n\nvielen Dank für Ihre Nachricht. Wir antworten Ihnen per E-Mail."
        ),
        "your_message": "Ihre Nachricht",
    },
    "fr": {
        "title": "Nous contacter",
        "name": "Votre nom",
        "email": "Votre adresse e-mail",
        "message": "Votre message",
        "language": "Langue",
        "privacy": "Protection des données",
        "submit": "Envoyer",
        "thanks": "Merci. Nous avons bien reçu votre message et vous répondrons par e-mail.",
        "required": "Veuillez remplir ce champ.",
        "blank": "Ce champ ne contient que des espaces ou des caractères invisibles.",
        "bad_email": "Veuillez saisir une adresse e-mail valide.",
        "too_long": "Veuillez ne pas dépasser {limit} caractères.",
        "expired": "Ce formulaire a expiré. Veuillez l'envoyer à nouveau.",
        "rate_limited": "Trop de messages depuis votre adresse. Veuillez réessayer plus tard.",
        "confirm_subject": "Nous avons bien reçu votre message",
        "confirm_intro": (
            "Bonjour {name},\n\nmerci pour votre message. Nous vous répondrons par e-mail."
        ),
        "your_message": "Votre message",
    },
    "pl": {
        "title": "Kontakt",
        "name": "Imię i nazwisko",
        "email": "Adres e-mail",
        "message": "Wiadomość",
        "language": "Język",
        "privacy": "Informacja o ochronie danych",
        "submit": "Wyślij",
        "thanks": "Dziękujemy. Otrzymaliśmy Twoją wiadomość i odpowiemy e-mailem.",
        "required": "Wypełnij to pole.",
        "blank": "To pole zawiera tylko spacje lub niewidoczne znaki.",
        "bad_email": "Podaj prawidłowy adres e-mail.",
        "too_long": "Maksymalnie {limit} znaków.",
        "expired": "Formularz wygasł. Wyślij go ponownie.",
        "rate_limited": "Zbyt wiele wiadomości z Twojego adresu. Spróbuj ponownie później.",
        "confirm_subject": "Otrzymaliśmy Twoją wiadomość",
        "confirm_intro": ("Dzień dobry {name},\n\ndziękujemy za wiadomość. Odpowiemy e-mailem."),
        "your_message": "Twoja wiadomość",
    },
    "sv": {
        "title": "Kontakta oss",
        "name": "Ditt namn",
        "email": "Din e-postadress",
        "message": "Ditt meddelande",
        "language": "Språk",
        "privacy": "Integritetsmeddelande",
        "submit": "Skicka",
        "thanks": "Tack. Vi har tagit emot ditt meddelande och svarar via e-post.",
        "required": "Fyll i detta fält.",
        "blank": "Fältet innehåller bara mellanslag eller osynliga tecken.",
        "bad_email": "Ange en giltig e-postadress.",
        "too_long": "Högst {limit} tecken.",
        "expired": "Formuläret har gått ut. Skicka det igen.",
        "rate_limited": "För många meddelanden från din adress. Försök igen senare.",
        "confirm_subject": "Vi har tagit emot ditt meddelande",
        "confirm_intro": ("Hej {name},\n\ntack för ditt meddelande. Vi svarar dig via e-post."),
        "your_message": "Ditt meddelande",
    },
}
LANGUAGE_NAMES = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "pl": "Polski",
    "sv": "Svenska",
}
