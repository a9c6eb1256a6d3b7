"""General vocabulary for finding and typing names in languages without a spaCy model.

Why: with no NER model, a capitalised word may be a name, a sentence start, a German noun or a title in
front of a name. These lists are general language (cue words for organisations, facilities and natural
places, person titles and honorifics, words that introduce a common noun), not names from any article.
All strings are lowercase and accent-free (compared after ``entities.normalise``); a cue matches a whole
word or, for German and Dutch compounds, the end of a word ("Wetterbehörde", "Finanzministerium").
"""

from __future__ import annotations

# words whose presence in a name makes it an organisation
ORG_CUES: frozenset[str] = frozenset({
    # en
    "ministry", "department", "agency", "authority", "party", "university", "bank", "council", "committee",
    "commission", "company", "corporation", "association", "union", "federation", "court", "police", "army",
    "navy", "office", "institute", "foundation", "airline", "airlines", "club", "league", "parliament",
    "assembly", "government", "administration", "board", "service", "group", "news",
    # de
    "ministerium", "behorde", "partei", "universitat", "hochschule", "rat", "kommission", "gericht",
    "polizei", "amt", "bundesamt", "institut", "stiftung", "verband", "gesellschaft", "konzern", "regierung",
    "armee", "bundestag", "landtag", "zentrum", "verein", "gewerkschaft",
    # fr
    "ministere", "parti", "universite", "banque", "conseil", "comite", "tribunal", "cour",
    "societe", "compagnie", "assemblee", "parlement", "gouvernement", "agence",
    # es / pt / it
    "ministerio", "partido", "universidad", "universidade", "banco", "consejo", "conselho",
    "comision", "comissao", "corte", "empresa", "compania", "companhia", "agencia", "policia",
    "gobierno", "governo", "secretaria", "federacion", "federacao", "asociacion", "associacao", "instituto",
    "ministero", "partito", "universita", "banca", "consiglio", "commissione", "tribunale", "societa",
    "agenzia", "polizia", "federazione", "associazione", "istituto", "parlamento", "camera", "senato",
    # nl
    "ministerie", "partij", "universiteit", "raad", "commissie", "rechtbank", "politie", "bedrijf",
    "regering", "kabinet", "kamer", "vereniging", "stichting",
    # tr / id / pl
    "bakanligi", "bakanlik", "baskanligi", "partisi", "universitesi", "bankasi", "kurulu", "mahkemesi",
    "kementerian", "badan", "komisi", "partai", "universitas", "kepolisian", "dinas", "lembaga",
    "ministerstwo", "partia", "uniwersytet", "sad", "policja", "rada", "komisja",
})

# words that make a name a building, installation or other facility
FAC_CUES: frozenset[str] = frozenset({
    "airport", "nightclub", "disco", "station", "bridge", "hospital", "stadium", "palace", "castle", "museum",
    "square", "tower",
    "cathedral", "church", "mosque", "prison", "port", "harbour", "harbor", "plant", "building",
    "flughafen", "bahnhof", "brucke", "krankenhaus", "klinik", "stadion", "palast", "schloss", "platz",
    "turm", "dom", "kirche", "gefangnis", "hafen",
    "aeroport", "gare", "pont", "hopital", "stade", "palais", "chateau", "musee", "place", "tour", "eglise",
    "aeropuerto", "aeroporto", "estacion", "estacao", "stazione", "puente", "ponte", "ospedale",
    "estadio", "stadio", "palacio", "palazzo", "castillo", "castello", "museo", "plaza", "piazza", "praca",
    "iglesia", "igreja", "chiesa", "carcel", "prisao", "carcere", "boate", "discoteca",
    "luchthaven", "vliegveld", "ziekenhuis", "brug", "paleis", "kasteel", "plein",
    "havalimani", "havaalani", "hastanesi", "koprusu", "sarayi", "meydani", "camii",
    "bandara", "stasiun", "jembatan", "rumah sakit", "istana", "pelabuhan",
    "lotnisko", "dworzec", "most", "szpital", "palac", "zamek", "plac",
})

# natural places
LOC_CUES: frozenset[str] = frozenset({
    "sea", "lake", "river", "island", "islands", "mountain", "mount", "valley", "gulf", "bay", "ocean", "coast",
    "meer", "see", "fluss", "insel", "inseln", "berg", "gebirge", "tal", "bucht", "kuste",
    "mer", "lac", "fleuve", "riviere", "ile", "iles", "mont", "montagne", "vallee", "golfe", "baie", "cote",
    "mar", "lago", "rio", "isla", "islas", "ilha", "ilhas", "isola", "isole", "monte", "valle", "golfo",
    "zee", "rivier", "eiland", "eilanden", "baai",
    "deniz", "denizi", "golu", "nehri", "adasi", "dagi", "korfezi",
    "laut", "danau", "sungai", "pulau", "kepulauan", "gunung", "teluk", "selat", "perairan",
    "morze", "jezioro", "rzeka", "wyspa", "gora", "zatoka",
})

# person titles: stripped from the front of a name, and mark the name after them as a person.
# German and Dutch titles also match as the end of a compound ("Regierungssprecher", "US-Präsident").
PERSON_TITLES: frozenset[str] = frozenset({
    "president", "prasident", "presidente", "prezydent", "baskan", "baskani", "presiden",
    "kanzler", "kanzlerin", "bundeskanzler", "chancelier", "canciller", "cancelliere", "chanceler",
    "minister", "ministerin", "ministro", "ministra", "ministre", "bakan", "bakani", "menteri", "premier",
    "premierminister", "premierministerin", "ministerprasident", "primo", "primeiro", "primer",
    "sprecher", "sprecherin", "portavoz", "portavoce", "porta-voz", "woordvoerder", "sozcusu", "juru",
    "botschafter", "botschafterin", "embajador", "ambasciatore", "embaixador", "ambassadeur", "buyukelci",
    "duta", "ambasador",
    "chef", "chefin", "leiter", "leiterin", "direktor", "direktorin", "director", "directora", "direttore",
    "diretor", "directeur", "direktur", "kepala", "dyrektor", "mudur", "muduru",
    "berater", "beraterin", "asesor", "consigliere", "assessor", "adviseur", "danismani", "penasihat", "doradca",
    "gouverneur", "governor", "gobernador", "governatore", "governador", "vali", "valisi", "gubernur", "gubernator",
    "burgermeister", "burgermeisterin", "alcalde", "alcaldesa", "sindaco", "prefeito", "prefeita",
    "burgemeester", "belediye", "walikota", "bupati", "burmistrz",
    "konig", "konigin", "koning", "koningin", "rey", "reina", "rei", "rainha", "kral", "krol",
    "general", "generale", "generaal", "jenderal",
    "abgeordnete", "abgeordneter", "diputado", "diputada", "deputato", "deputado", "milletvekili", "poslanka",
    "senator", "senatore", "senador",
    "kollege", "kollegen", "kollegin", "amtskollege", "amtskollegen", "diplomat", "diplomatin",
    "beauftragter", "beauftragte", "sonderbeauftragter", "vorsitzende", "vorsitzender", "sekretar",
    "sekretarin", "secretario", "secretaria", "segretario", "secretaris", "sekretaris", "dirjen",
    "trainer", "entrenador", "allenatore", "treinador", "sturmer", "spieler", "jugador",
    "giocatore", "jogador", "kapitan", "kaptan", "kapten", "kapitein",
    "richter", "richterin", "juez", "giudice", "juiz", "rechter", "hakim", "sedzia",
})

# honorifics kept inside a mention ("Frau Kowalczyk", "Mr Selby") but not part of the name itself
HONORIFICS: frozenset[str] = frozenset({
    "mr", "mrs", "ms", "dr", "sir", "dame", "lord", "frau", "herr", "m", "mme", "mlle", "sr", "sra", "srta",
    "don", "dona", "sig", "sigra", "signor", "signora", "dhr", "mevr", "bay", "bayan", "pak", "bu", "ibu",
    "bapak", "pan", "pani", "prof",
})

# German/Dutch words after which a capitalised word is a common noun ("die Polizei", "am Flughafen")
DETERMINERS: dict[str, frozenset[str]] = {
    "de": frozenset({"der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines",
                     "im", "am", "zum", "zur", "vom", "beim", "ins", "aufs", "kein", "keine", "keinen", "keinem",
                     "keiner", "sein", "seine", "seinen", "seinem", "seiner", "ihr", "ihre", "ihren", "ihrem",
                     "ihrer", "unser", "unsere", "dieser", "diese", "dieses", "diesen", "diesem", "jeder",
                     "jede", "jedes", "alle", "viele", "mehrere", "einige", "zwei", "drei", "vier", "funf"}),
}

# administrative kinds in front of a place's name ("Provinz Antalya", "Region Silesien", "Ciudad de ...")
GPE_CUES: frozenset[str] = frozenset({
    "province", "region", "city", "town", "village", "district", "county", "state",
    "provinz", "stadt", "kleinstadt", "grossstadt", "dorf", "bezirk", "bundesland", "kreis", "landkreis",
    "ferienprovinz", "hauptstadt", "provincia", "regione", "ciudad", "cidade", "citta", "pueblo", "comune",
    "municipio", "estado", "departamento", "provincie", "gemeente", "stad", "dorp",
    "provinsi", "kota", "kabupaten", "kecamatan", "desa", "il", "ilce", "sehir", "kasaba", "koy",
    "prowincja", "wojewodztwo", "miasto", "wies", "gmina",
})
