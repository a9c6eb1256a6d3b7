"""Country → names, adjectives, capital and seat of government, for metonymy.

Why a table: "Kyiv asked ...", "the Kremlin rejected ..." and "the Jewish state" name a
government, not a city or a building. The table is small on purpose: it only lists the
countries that news about international events names most, in the languages we read
(en, fr, es, it, nl). Keys are ISO 3166 alpha-3 codes, which double as actor keys.
All strings are lowercase and accent-free (matched after the same normalisation).
"""

from __future__ import annotations

from typing import TypedDict


class CountryRow(TypedDict):
    names: list[str]       # the country itself, any language
    adjectives: list[str]  # demonyms / adjectives (NORP), any language
    capitals: list[str]    # capital city: stands for the government in a diplomatic context
    seats: list[str]       # seat of government / metonyms: "the kremlin", "the jewish state"


COUNTRIES: dict[str, CountryRow] = {
    "UKR": {"names": ["ukraine", "ucrania", "ucraina", "oekraine"],
            "adjectives": ["ukrainian", "ukrainians", "ukrainien", "ukrainienne", "ucraniano", "ucraino",
                           "oekraiens"],
            "capitals": ["kyiv", "kiev", "kiew", "kyjiw"], "seats": ["bankova"]},
    "RUS": {"names": ["russia", "russian federation", "russie", "rusia", "russia", "rusland"],
            "adjectives": ["russian", "russians", "russe", "russes", "ruso", "rusa", "russo", "russisch"],
            "capitals": ["moscow", "moscou", "moscu", "mosca", "moskou"],
            "seats": ["kremlin", "cremlino"]},
    "ISR": {"names": ["israel", "israele", "state of israel", "jewish state", "hebrew state", "etat hebreu"],
            "adjectives": ["israeli", "israelis", "israelien", "israelienne", "israeli", "israeliano",
                           "israelisch"],
            "capitals": ["jerusalem", "jerusalen", "gerusalemme"],
            "seats": []},
    "USA": {"names": ["united states", "us", "u.s.", "usa", "u.s.a.", "america",
                      "etats-unis", "estados unidos", "stati uniti", "verenigde staten"],
            "adjectives": ["american", "americans", "us", "u.s.", "americain", "americaine", "estadounidense",
                           "americano", "amerikaans"],
            "capitals": ["washington", "washington, d.c.", "washington dc"],
            "seats": ["white house", "maison blanche", "casa blanca", "casa bianca"]},
    "FRA": {"names": ["france", "francia", "frankrijk"],
            "adjectives": ["french", "francais", "francaise", "frances", "francese", "frans"],
            "capitals": ["paris", "parigi", "parijs"], "seats": ["elysee"]},
    "DEU": {"names": ["germany", "allemagne", "alemania", "germania", "duitsland"],
            "adjectives": ["german", "germans", "allemand", "allemande", "aleman", "tedesco", "duits"],
            "capitals": ["berlin", "berlino", "berlijn"], "seats": []},
    "GBR": {"names": ["united kingdom", "uk", "u.k.", "britain", "great britain",
                      "royaume-uni", "reino unido", "regno unito"],
            "adjectives": ["british", "britannique", "britanico", "britannico", "brits"],
            "capitals": ["london", "londres", "londra", "londen"], "seats": ["downing street"]},
    "CHN": {"names": ["china", "chine", "cina"],
            "adjectives": ["chinese", "chinois", "chinoise", "chino", "cinese"],
            "capitals": ["beijing", "pekin", "pechino", "peking"], "seats": []},
    "IRN": {"names": ["iran", "islamic republic of iran", "islamic republic"],
            "adjectives": ["iranian", "iranians", "iranien", "irani", "iraniano"],
            "capitals": ["tehran", "teheran"], "seats": []},
    "PRK": {"names": ["north korea", "coree du nord", "corea del norte", "corea del nord", "noord-korea",
                      "dprk"],
            "adjectives": ["north korean", "nord-coreen", "norcoreano", "nordcoreano", "noord-koreaans"],
            "capitals": ["pyongyang"], "seats": []},
    "KOR": {"names": ["south korea", "coree du sud", "corea del sur", "corea del sud", "zuid-korea"],
            "adjectives": ["south korean", "sud-coreen", "surcoreano", "sudcoreano", "zuid-koreaans"],
            "capitals": ["seoul", "seul"], "seats": ["blue house"]},
    "TUR": {"names": ["turkey", "turkiye", "turquie", "turquia", "turchia", "turkije"],
            "adjectives": ["turkish", "turc", "turque", "turco", "turks"],
            "capitals": ["ankara"], "seats": []},
    "SYR": {"names": ["syria", "syrie", "siria", "syrie"],
            "adjectives": ["syrian", "syrien", "syrienne", "sirio", "siriano", "syrisch"],
            "capitals": ["damascus", "damas", "damasco"], "seats": []},
    "JPN": {"names": ["japan", "japon", "giappone"],
            "adjectives": ["japanese", "japonais", "japonaise", "japones", "giapponese", "japans"],
            "capitals": ["tokyo", "tokio"], "seats": []},
    "ITA": {"names": ["italy", "italie", "italia", "italie"],
            "adjectives": ["italian", "italien", "italienne", "italiano", "italiaans"],
            "capitals": ["rome", "roma"], "seats": []},
    "ESP": {"names": ["spain", "espagne", "espana", "spagna", "spanje"],
            "adjectives": ["spanish", "espagnol", "espagnole", "espanol", "spagnolo", "spaans"],
            "capitals": ["madrid"], "seats": ["moncloa"]},
    "NLD": {"names": ["netherlands", "pays-bas", "paises bajos", "paesi bassi",
                      "nederland", "holland"],
            "adjectives": ["dutch", "neerlandais", "neerlandaise", "holandes", "olandese", "nederlands"],
            "capitals": ["the hague", "hague", "la haye", "den haag"], "seats": []},
    "CAN": {"names": ["canada", "canada"],
            "adjectives": ["canadian", "canadien", "canadienne", "canadiense", "canadese", "canadees"],
            "capitals": ["ottawa"], "seats": []},
    "POL": {"names": ["poland", "pologne", "polonia", "polen"],
            "adjectives": ["polish", "polonais", "polonaise", "polaco", "polacco", "pools"],
            "capitals": ["warsaw", "varsovie", "varsovia", "varsavia"], "seats": []},
    "SAU": {"names": ["saudi arabia", "arabie saoudite", "arabia saudita"],
            "adjectives": ["saudi", "saoudien", "saudita"], "capitals": ["riyadh", "riyad"], "seats": []},
    "IND": {"names": ["india", "inde"], "adjectives": ["indian", "indien", "indienne", "indio", "indiano"],
            "capitals": ["new delhi", "delhi"], "seats": []},
    "EGY": {"names": ["egypt", "egypte", "egipto", "egitto"],
            "adjectives": ["egyptian", "egyptien", "egipcio", "egiziano"], "capitals": ["cairo", "le caire"],
            "seats": []},
    "PSE": {"names": ["palestine", "palestina", "palestinian territories"],
            "adjectives": ["palestinian", "palestinians", "palestinien", "palestino", "palestinese"],
            "capitals": ["ramallah"], "seats": []},
    "BEL": {"names": ["belgium", "belgique", "belgica", "belgio", "belgie"],
            "adjectives": ["belgian", "belge", "belga", "belgisch"], "capitals": ["brussels", "bruxelles"],
            "seats": []},
}

# more languages we read (de, pt, pl, tr, id, nl): country names added to the rows above
_MORE_NAMES: dict[str, list[str]] = {
    "UKR": ["ucrania", "ukraina", "ukrayna"],
    "RUS": ["russland", "rosja", "rusya"],
    "USA": ["vereinigte staaten", "estados unidos", "stany zjednoczone", "abd", "amerika serikat"],
    "FRA": ["frankreich", "franca", "francja", "fransa", "prancis"],
    "DEU": ["deutschland", "alemanha", "niemcy", "almanya", "jerman", "duitsland"],
    "GBR": ["grossbritannien", "vereinigtes konigreich", "groot-brittannie", "verenigd koninkrijk", "gra-bretanha",
            "reino unido", "wielka brytania", "ingiltere", "birlesik krallik", "inggris"],
    "CHN": ["china", "chiny", "cin", "tiongkok"],
    "ITA": ["italien", "italia", "italie", "italy", "wlochy", "italya", "italie"],
    "ESP": ["spanien", "espanha", "hiszpania", "ispanya", "spanyol"],
    "NLD": ["niederlande", "holanda", "holandia", "hollanda", "belanda", "paises baixos"],
    "TUR": ["turkei", "turquia", "turcja", "turki"],
    "JPN": ["japan", "japao", "japonia", "japonya", "jepang"],
    "POL": ["polen", "polonia", "polska", "polonya"],
    "IND": ["indien", "india", "indie", "hindistan"],
    "EGY": ["agypten", "egito", "egipt", "misir", "mesir"],
    "SYR": ["syrien", "suriye", "suriah"],
    "BEL": ["belgien", "belgica", "belgia", "belcika"],
}
for _code, _names in _MORE_NAMES.items():
    if _code in COUNTRIES:
        COUNTRIES[_code]["names"] += [n for n in _names if n not in COUNTRIES[_code]["names"]]
