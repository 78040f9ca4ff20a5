TERMS: dict[str, tuple[str, ...]] = {
    "technical": (
        r"fel", r"felet", r"felmeddelande\w*", r"bugg\w*", r"krasch\w*", r"hänger sig", r"fryser",
        r"installation\w*", r"installera\w*", r"inloggning\w*", r"logga in", r"lösenord\w*",
        r"api", r"server\w*", r"timeout", r"fungerar inte", r"funkar inte", r"går inte",
        r"slutat fungera", r"uppdatering\w*", r"uppdatera\w*", r"ladda (?:ner|upp)", r"nedladdning\w*",
        r"synk\w*", r"404", r"500", r"tom sida", r"återställ\w*", r"export\w*", r"import\w*",
        r"inställning\w*", r"konfigur\w*", r"webbläsare\w*", r"android", r"ios", r"certifikat\w*",
        r"laddar inte", r"öppnas inte", r"hur (?:ställer|kopplar|ändrar) jag",
    ),
    "press": (
        r"journalist\w*", r"reporter\w*", r"redaktion\w*", r"redaktör\w*", r"press\w*",
        r"pressavdelning\w*", r"presskontakt\w*", r"talesperson\w*", r"intervju\w*",
        r"artikel\w*", r"reportage\w*", r"uttalande\w*", r"kommentar\w*", r"kommentera",
        r"(?:tidning\w*|magasin\w*|podd\w*|radio\w*|tv)", r"mediefråga\w*", r"citera",
    ),
    "sales_lead": (
        r"pris\w*", r"kost\w*", r"vad kostar", r"offert\w*", r"erbjudande\w*", r"licens\w*",
        r"demo", r"provperiod\w*", r"testperiod\w*", r"köp\w*", r"beställ\w*", r"prenumeration\w*",
        r"abonnemang\w*", r"per (?:användare|månad|år)", r"användare", r"rabatt\w*",
        r"återförsäljar\w*", r"partnerskap\w*", r"sälj\w*", r"för vårt (?:team|företag)",
        r"för (?:vår|vårt) \w+", r"paket\w*", r"företagsplan\w*",
    ),
    "insult": (
        r"idiot\w*", r"dumm\w*", r"korkad\w*", r"pucko\w*", r"clown\w*", r"bedrag\w*",
        r"bluff\w*", r"svindl\w*", r"tjuv\w*", r"lögnare", r"inkompetent\w*", r"skit\w*",
        r"jävl\w*", r"helvete\w*", r"pajas\w*", r"losers?", r"patetisk\w*",
        r"skämt till företag",
    ),
    "threat": (
        r"jag hittar (?:er|dig)", r"jag vet var", r"bränna ner", r"tända eld", r"döda\w*",
        r"ni kommer (?:att )?ångra", r"ni ska få betala", r"akta er", r"bomb\w*",
        r"jag kommer till (?:ert|era) \w+ och",
    ),
    "spam": (
        r"klicka här", r"gratis följare", r"köp följare", r"tjäna pengar", r"tjäna \d+",
        r"jobba hemifrån", r"skriv till mig i dm", r"tävling", r"rabattkod", r"passiv inkomst",
        r"kolla min profil", r"investeringsmöjlighet",
    ),
    "positive": (
        r"tack\w*", r"toppen", r"grym\w*", r"fantastisk\w*", r"utmärkt\w*", r"perfekt\w*",
        r"bra jobbat", r"bra", r"hjälpsam\w*", r"nöjd\w*", r"älska\w*", r"gillar",
        r"snabb(?:a)? (?:hjälp|svar|support)", r"löst", r"rekommender\w*", r"kanon", r"superb\w*",
        r"glad\w*", r"imponerad\w*", r"underbar\w*",
    ),
    "negative": (
        r"dålig\w*", r"usel\w*", r"hemsk\w*", r"fruktansvärd\w*", r"besvik\w*", r"arg\w*",
        r"förbannad\w*", r"oacceptabel\w*", r"irriter\w*", r"frustrer\w*", r"värdelös\w*",
        r"igen[!?]+", r"(?:nere|krasch\w*|trasig\w*|fel) igen", r"fortfarande inte", r"avbrott\w*", r"driftstörning\w*", r"återbetalning\w*",
        r"säga upp", r"uppsägning\w*", r"klagomål\w*", r"långsam\w*", r"aldrig", r"ingen svarar",
        r"skandal\w*", r"tråkig\w*", r"synd", r"skämt", r"trött på", r"sämst\w*",
    ),
}
