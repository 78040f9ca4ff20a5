TERMS: dict[str, tuple[str, ...]] = {
    "technical": (
        r"erreurs?", r"bug\w*", r"bogue\w*", r"plant\w*", r"crash\w*", r"fig\w*", r"bloqu\w*",
        r"install\w*", r"connexion", r"connecter", r"me connecter", r"identifiant\w*",
        r"mot de passe", r"api", r"serveur\w*", r"délai dépassé", r"timeout",
        r"ne (?:fonctionne|marche) (?:pas|plus)", r"fonctionne pas", r"marche pas", r"en panne",
        r"mise à jour", r"mettre à jour", r"télécharg\w*", r"synchronis\w*", r"404", r"500",
        r"page blanche", r"écran (?:noir|blanc)", r"réinitialis\w*", r"export\w*", r"import\w*",
        r"paramètr\w*", r"configur\w*", r"navigateur", r"android", r"ios", r"certificat",
        r"message d'erreur", r"ne (?:charge|s'ouvre|démarre) (?:pas|plus)", r"comment (?:configurer|paramétrer|connecter)",
    ),
    "press": (
        r"journalist\w*", r"rédact\w*", r"presse", r"service de presse", r"attaché\w* de presse",
        r"interview\w*", r"entretien", r"article", r"reportage", r"déclaration",
        r"commentaire", r"commenter", r"(?:journal|magazine|podcast|radio|chaîne)",
        r"communiqué\w*", r"porte-parole", r"demande médias?", r"pour (?:un|notre) sujet",
    ),
    "sales_lead": (
        r"prix", r"tarif\w*", r"coût\w*", r"coute\w*", r"coûte\w*", r"devis", r"offre\w*",
        r"licence\w*", r"démo\w*", r"essai gratuit", r"essai", r"achet\w*", r"achat", r"abonnement\w*",
        r"par (?:utilisateur|mois|an)", r"utilisateurs", r"remise", r"revendeur\w*",
        r"partenariat", r"commercial\w*", r"combien", r"pour notre (?:équipe|entreprise|agence)",
        r"formule\w*", r"entreprise",
    ),
    "insult": (
        r"idiots?", r"imbéciles?", r"crétins?", r"abrutis?", r"débiles?", r"nuls",
        r"escrocs?", r"arnaque\w*", r"voleurs?", r"menteurs?", r"incompétents?",
        r"bande d'\w+", r"connards?", r"merde\w*", r"putain", r"enfoirés?", r"minables?",
        r"clowns?", r"bouffons?", r"pourris?", r"ta gueule", r"foutage de gueule",
    ),
    "threat": (
        r"je vais vous retrouver", r"je sais où", r"brûler vos", r"tuer", r"je vais (?:vous )?tuer",
        r"vous allez (?:le )?regretter", r"vous le paierez", r"faites attention à vous",
        r"bombe\w*", r"je viendrai (?:à|chez)",
    ),
    "spam": (
        r"cliquez ici", r"abonnés gratuits", r"acheter des abonnés", r"gagner de l'argent",
        r"gagnez \d+", r"travail à domicile", r"écrivez-moi en (?:dm|mp)", r"concours",
        r"code promo", r"offre limitée", r"revenu passif", r"voir mon profil", r"visitez mon profil",
    ),
    "positive": (
        r"merci\w*", r"super", r"génial\w*", r"top", r"excellent\w*", r"parfait\w*", r"bravo",
        r"formidable", r"efficace\w*", r"ravi\w*", r"content\w*", r"adore\w*", r"j'adore",
        r"aide rapide", r"réponse rapide", r"résolu", r"recommande\w*", r"au top", r"chapeau",
        r"impeccable", r"satisfait\w*", r"génialissime",
    ),
    "negative": (
        r"nul\w*", r"horrible\w*", r"catastroph\w*", r"déçu\w*", r"décevant\w*", r"déception",
        r"furieux", r"énervé\w*", r"inadmissible", r"inacceptable", r"honte\w*", r"agaçant\w*",
        r"ras le bol", r"marre", r"encore (?:une fois|en panne|planté)", r"encore\s*!", r"toujours pas", r"panne\w*", r"rembourse\w*",
        r"résilier", r"résiliation", r"plainte", r"lent\w*", r"jamais", r"personne ne",
        r"scandale\w*", r"pire", r"dommage", r"inutile\w*", r"n'importe quoi",
    ),
}
