"""Realistic demo mentions in the five languages we serve, by kind of inquiry."""

MENTIONS: dict[str, dict[str, list[str]]] = {
    "technical": {
        "en": [
            "The app crashes every time I try to log in since the last update. Any idea?",
            "Getting error 500 when I upload a file to my project. Is the server down?",
            "Password reset mail never arrives. Checked spam too. Help please!",
            "Your API returns a timeout for /projects since this morning.",
        ],
        "de": [
            "Seit dem Update stürzt die App beim Start ab. Was kann ich tun?",
            "Ich bekomme eine Fehlermeldung beim Anmelden: 'Sitzung abgelaufen'.",
            "Die Installation bricht bei 80 % ab. Windows 11, aktuelle Version.",
            "Passwort zurücksetzen funktioniert nicht, die Mail kommt nie an.",
        ],
        "fr": [
            "L'application plante à chaque connexion depuis la mise à jour.",
            "J'ai une erreur 404 en ouvrant mon tableau de bord, que faire ?",
            "Impossible d'installer le logiciel sur mon Mac, il ne fonctionne pas.",
        ],
        "pl": [
            "Aplikacja nie działa po ostatniej aktualizacji, ciągle się zawiesza.",
            "Mam błąd przy logowaniu, hasło na pewno jest poprawne.",
            "Nie mogę pobrać raportu, serwer zwraca błąd.",
        ],
        "sv": [
            "Appen kraschar när jag loggar in sedan uppdateringen.",
            "Jag får ett felmeddelande vid installation, vad ska jag göra?",
            "Lösenordet fungerar inte längre trots återställning.",
        ],
    },
    "press": {
        "en": [
            "Journalist at Tech Weekly here: could your press office comment on today's outage?",
            "I'm writing an article about cloud providers in Berlin. Who can I interview?",
        ],
        "de": [
            "Guten Tag, ich bin Redakteurin beim Tagesblatt. "
            "Gibt es eine Stellungnahme zur Übernahme?",
            "Für einen Artikel über Start-ups in Berlin hätte ich gern ein Interview.",
        ],
        "fr": ["Journaliste au Monde Numérique : pouvez-vous commenter la panne d'hier ?"],
        "pl": ["Dzień dobry, jestem dziennikarzem. Czy mogę prosić o komentarz w sprawie awarii?"],
        "sv": ["Hej, jag är journalist på Dagens Teknik. Kan ni kommentera driftstoppet?"],
    },
    "sales": {
        "en": [
            "We're a team of 40 looking for a new CMS. Do you offer an enterprise plan?",
            "How much does the premium package cost for an agency with 10 clients?",
        ],
        "de": [
            "Was kostet die Lizenz für 25 Nutzer? Wir möchten gern ein Angebot.",
            "Bietet ihr auch eine Demo für unsere Agentur an?",
        ],
        "fr": ["Quel est le prix de l'offre entreprise pour 50 utilisateurs ?"],
        "pl": ["Ile kosztuje licencja dla firmy z 30 pracownikami? Prosimy o ofertę."],
        "sv": ["Vad kostar företagslicensen? Vi är 20 personer och vill ha en offert."],
    },
    "rude": {
        "en": [
            "You are the worst company ever, idiots, all of you.",
            "Total scam. Clowns running this place. Go to hell.",
        ],
        "de": ["Ihr seid doch alle Vollidioten, was für ein Saftladen!"],
        "fr": ["Bande d'incompétents, vous êtes des escrocs !"],
        "pl": ["Jesteście bandą idiotów, żenada."],
        "sv": ["Ni är idioter allihop, vilket skämt till företag."],
    },
    "criticism": {
        "en": [
            "Third outage this month. I pay for reliability and I'm not getting it.",
            "The new pricing is hard to understand; please explain what changed.",
        ],
        "de": ["Die neue Oberfläche ist leider deutlich langsamer als die alte."],
        "fr": ["Le service client met trop de temps à répondre, c'est dommage."],
        "pl": ["Nowy cennik jest niejasny, proszę o wyjaśnienie zmian."],
        "sv": ["Supporten tar för lång tid att svara, det är tråkigt."],
    },
    "praise": {
        "en": [
            "Huge thanks to the #infopark team for the quick help yesterday!",
            "Loved the talks at #clouddevcamp, see you next year!",
        ],
        "de": ["Danke für den super Support, das Problem ist gelöst! #infopark"],
        "fr": ["Merci pour votre aide rapide, service au top !"],
        "pl": ["Dziękuję za szybką pomoc, świetna obsługa!"],
        "sv": ["Tack för den snabba hjälpen, riktigt bra service!"],
    },
}

NAMES = [
    "Anna Schmidt",
    "Lukas Weber",
    "Marie Dubois",
    "Jean Martin",
    "Piotr Nowak",
    "Agnieszka Kowalska",
    "Erik Lindqvist",
    "Sara Johansson",
    "Tom Baker",
    "Emily Clarke",
    "Jonas Becker",
    "Léa Bernard",
    "Katarzyna Wiśniewska",
    "Oskar Nilsson",
    "Mia Fischer",
    "Hugo Petit",
    "Noah Wagner",
    "Zofia Wójcik",
]
