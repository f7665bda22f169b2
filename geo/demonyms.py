"""Demonyms, language names and postal abbreviations that stand for a place, with the place's name."""
from __future__ import annotations

from functools import lru_cache

from geo.usstates import text_abbreviations

__all__ = ["ABBREVIATIONS", "DEMONYMS", "abbreviation_place", "demonym_place"]

# adjective/singular -> place name looked up in the gazetteer.  Plurals are derived in
# demonym_place() ("Syrians", "Americans"); forms without a plural ("Chinese") stay as is.
DEMONYMS: dict[str, str] = {
    # continents and world regions
    "African": "Africa", "Asian": "Asia", "European": "Europe", "American": "United States",
    "North American": "North America", "South American": "South America",
    "Latin American": "Latin America", "Central American": "Central America",
    "Australasian": "Australasia", "Antarctic": "Antarctica", "Arctic": "Arctic",
    "Caribbean": "Caribbean", "Scandinavian": "Scandinavia", "Balkan": "Balkans",
    "Middle Eastern": "Middle East", "Mediterranean": "Mediterranean Sea",
    "Baltic": "Baltic Sea", "Pacific": "Pacific Ocean", "Atlantic": "Atlantic Ocean",
    "Eurasian": "Eurasia", "Sub-Saharan": "Sub-Saharan Africa", "Siberian": "Siberia",
    "Persian": "Iran", "Kurdish": "Kurdistan", "Kurd": "Kurdistan", "Tibetan": "Tibet",
    "Crimean": "Crimea", "Chechen": "Chechnya", "Kashmiri": "Kashmir", "Punjabi": "Punjab",
    "Bengali": "Bengal", "Catalan": "Catalonia", "Basque": "Basque Country",
    "Flemish": "Flanders", "Bavarian": "Bavaria", "Sicilian": "Sicily", "Tuscan": "Tuscany",
    "Corsican": "Corsica", "Sardinian": "Sardinia", "Andalusian": "Andalusia",
    "Palestinian": "Palestine", "Emirati": "United Arab Emirates", "Gazan": "Gaza",
    "Hawaiian": "Hawaii", "Alaskan": "Alaska", "Californian": "California", "Texan": "Texas",
    "Floridian": "Florida", "Georgian": "Georgia", "Virginian": "Virginia",
    "New Yorker": "New York", "Londoner": "London", "Parisian": "Paris",
    "Muscovite": "Moscow", "Berliner": "Berlin", "Long Islander": "Long Island",
    "Ohioan": "Ohio", "Oregonian": "Oregon", "Arizonan": "Arizona", "Nevadan": "Nevada",
    "Coloradan": "Colorado", "Kentuckian": "Kentucky", "Tennessean": "Tennessee",
    "Minnesotan": "Minnesota", "Michigander": "Michigan", "Iowan": "Iowa", "Kansan": "Kansas",
    "Nebraskan": "Nebraska", "Oklahoman": "Oklahoma", "Louisianan": "Louisiana",
    "Louisianian": "Louisiana", "Alabamian": "Alabama", "Mississippian": "Mississippi",
    "Carolinian": "Carolina", "Pennsylvanian": "Pennsylvania", "Bostonian": "Boston",
    "Chicagoan": "Chicago", "Angeleno": "Los Angeles", "Torontonian": "Toronto",
    "Quebecer": "Quebec", "Quebecois": "Quebec", "Ontarian": "Ontario",
    "Albertan": "Alberta", "Manitoban": "Manitoba", "Yorkshireman": "Yorkshire",
    "Glaswegian": "Glasgow", "Mancunian": "Manchester", "Liverpudlian": "Liverpool",
    "Dubliner": "Dublin", "Roman": "Rome", "Venetian": "Venice", "Milanese": "Milan",
    "Neapolitan": "Naples", "Viennese": "Vienna", "Hongkonger": "Hong Kong",
    "Cantonese": "Guangdong", "Taiwanese": "Taiwan", "Tamil": "Tamil Nadu",
    "Hispanic": "Latin America", "Anglo": "England",
    # countries
    "Afghan": "Afghanistan", "Albanian": "Albania", "Algerian": "Algeria",
    "Andorran": "Andorra", "Angolan": "Angola", "Argentine": "Argentina",
    "Argentinian": "Argentina", "Armenian": "Armenia", "Australian": "Australia",
    "Austrian": "Austria", "Azerbaijani": "Azerbaijan", "Azeri": "Azerbaijan",
    "Bahamian": "Bahamas", "Bahraini": "Bahrain", "Bangladeshi": "Bangladesh",
    "Barbadian": "Barbados", "Belarusian": "Belarus", "Belgian": "Belgium",
    "Belizean": "Belize", "Beninese": "Benin", "Bhutanese": "Bhutan", "Bolivian": "Bolivia",
    "Bosnian": "Bosnia and Herzegovina", "Botswanan": "Botswana", "Brazilian": "Brazil",
    "British": "United Kingdom", "Briton": "United Kingdom", "Bruneian": "Brunei",
    "Bulgarian": "Bulgaria", "Burkinabe": "Burkina Faso", "Burmese": "Myanmar",
    "Burundian": "Burundi", "Cambodian": "Cambodia", "Cameroonian": "Cameroon",
    "Canadian": "Canada", "Chadian": "Chad", "Chilean": "Chile", "Chinese": "China",
    "Colombian": "Colombia", "Congolese": "Congo", "Costa Rican": "Costa Rica",
    "Croatian": "Croatia", "Croat": "Croatia", "Cuban": "Cuba", "Cypriot": "Cyprus",
    "Czech": "Czech Republic", "Danish": "Denmark", "Dane": "Denmark",
    "Djiboutian": "Djibouti", "Dominican": "Dominican Republic", "Dutch": "Netherlands",
    "Ecuadorian": "Ecuador", "Egyptian": "Egypt", "Salvadoran": "El Salvador",
    "English": "England", "Englishman": "England", "Eritrean": "Eritrea",
    "Estonian": "Estonia", "Ethiopian": "Ethiopia", "Fijian": "Fiji", "Filipino": "Philippines",
    "Philippine": "Philippines", "Finnish": "Finland", "Finn": "Finland", "French": "France",
    "Frenchman": "France", "Gabonese": "Gabon", "Gambian": "Gambia", "German": "Germany",
    "Ghanaian": "Ghana", "Greek": "Greece", "Grenadian": "Grenada",
    "Guatemalan": "Guatemala", "Guinean": "Guinea", "Guyanese": "Guyana", "Haitian": "Haiti",
    "Honduran": "Honduras", "Hungarian": "Hungary", "Icelandic": "Iceland",
    "Icelander": "Iceland", "Indian": "India", "Indonesian": "Indonesia", "Iranian": "Iran",
    "Iraqi": "Iraq", "Irish": "Ireland", "Irishman": "Ireland", "Israeli": "Israel",
    "Italian": "Italy", "Ivorian": "Ivory Coast", "Jamaican": "Jamaica",
    "Japanese": "Japan", "Jordanian": "Jordan", "Kazakh": "Kazakhstan",
    "Kazakhstani": "Kazakhstan", "Kenyan": "Kenya", "Korean": "Korea",
    "North Korean": "North Korea", "South Korean": "South Korea", "Kosovar": "Kosovo",
    "Kuwaiti": "Kuwait", "Kyrgyz": "Kyrgyzstan", "Lao": "Laos", "Laotian": "Laos",
    "Latvian": "Latvia", "Lebanese": "Lebanon", "Liberian": "Liberia", "Libyan": "Libya",
    "Lithuanian": "Lithuania", "Luxembourgish": "Luxembourg", "Macedonian": "Macedonia",
    "Malagasy": "Madagascar", "Malawian": "Malawi", "Malaysian": "Malaysia", "Malay": "Malaysia",
    "Maldivian": "Maldives", "Malian": "Mali", "Maltese": "Malta", "Mauritanian": "Mauritania",
    "Mauritian": "Mauritius", "Mexican": "Mexico", "Moldovan": "Moldova",
    "Monegasque": "Monaco", "Mongolian": "Mongolia", "Montenegrin": "Montenegro",
    "Moroccan": "Morocco", "Mozambican": "Mozambique", "Namibian": "Namibia",
    "Nepalese": "Nepal", "Nepali": "Nepal", "New Zealander": "New Zealand",
    "Nicaraguan": "Nicaragua", "Nigerien": "Niger", "Nigerian": "Nigeria",
    "Norwegian": "Norway", "Omani": "Oman", "Pakistani": "Pakistan", "Panamanian": "Panama",
    "Papuan": "Papua New Guinea", "Paraguayan": "Paraguay", "Peruvian": "Peru",
    "Polish": "Poland", "Pole": "Poland", "Portuguese": "Portugal",
    "Puerto Rican": "Puerto Rico", "Qatari": "Qatar", "Romanian": "Romania",
    "Russian": "Russia", "Rwandan": "Rwanda", "Samoan": "Samoa", "Saudi": "Saudi Arabia",
    "Scottish": "Scotland", "Scot": "Scotland", "Scots": "Scotland", "Senegalese": "Senegal",
    "Serbian": "Serbia", "Serb": "Serbia", "Sierra Leonean": "Sierra Leone",
    "Singaporean": "Singapore", "Slovak": "Slovakia", "Slovakian": "Slovakia",
    "Slovenian": "Slovenia", "Slovene": "Slovenia", "Somali": "Somalia", "Somalian": "Somalia",
    "South African": "South Africa", "South Sudanese": "South Sudan", "Spanish": "Spain",
    "Spaniard": "Spain", "Sri Lankan": "Sri Lanka", "Sudanese": "Sudan",
    "Surinamese": "Suriname", "Swazi": "Eswatini", "Swedish": "Sweden", "Swede": "Sweden",
    "Swiss": "Switzerland", "Syrian": "Syria", "Tajik": "Tajikistan", "Tanzanian": "Tanzania",
    "Thai": "Thailand", "Togolese": "Togo", "Tongan": "Tonga", "Trinidadian": "Trinidad and Tobago",
    "Tunisian": "Tunisia", "Turkish": "Turkey", "Turk": "Turkey", "Turkmen": "Turkmenistan",
    "Ugandan": "Uganda", "Ukrainian": "Ukraine", "Uruguayan": "Uruguay",
    "Uzbek": "Uzbekistan", "Venezuelan": "Venezuela", "Vietnamese": "Vietnam",
    "Welsh": "Wales", "Welshman": "Wales", "Yemeni": "Yemen", "Zambian": "Zambia",
    "Zimbabwean": "Zimbabwe", "Ossetian": "Ossetia", "South Ossetian": "South Ossetia",
    "Abkhaz": "Abkhazia", "Abkhazian": "Abkhazia", "Uighur": "Xinjiang", "Uyghur": "Xinjiang",
    "Arabian": "Arabia", "Hebrew": "Israel", "Arabic": "Arabia",
}

# forms whose plural is not the singular + "s"
_IRREGULAR_PLURALS: dict[str, str] = {
    "Englishmen": "England", "Frenchmen": "France", "Irishmen": "Ireland",
    "Welshmen": "Wales", "Yorkshiremen": "Yorkshire",
}
_NO_PLURAL_ENDINGS = ("ese", "ish", "ch", "ss", "man", "Arabic", "Hebrew")

# Abbreviations of places other than the US states (with their periods); the states' AP forms come
# from the one US-state table (geo.usstates).
ABBREVIATIONS: dict[str, str] = {
    "D.C.": "Washington, D.C.", "U.S.": "United States", "U.S.A.": "United States",
    "U.K.": "United Kingdom", "L.A.": "Los Angeles", "Phila.": "Philadelphia",
    "US": "United States", "USA": "United States", "UK": "United Kingdom",
    "UAE": "United Arab Emirates", "EU": "European Union", "DPRK": "North Korea",
    "DRC": "Democratic Republic of the Congo", "PRC": "China", "ROK": "South Korea",
    "NYC": "New York City", "UN": "United Nations",
}


@lru_cache(maxsize=1)
def _demonym_table() -> dict[str, str]:
    """Singular and plural demonyms, keyed exactly as written in title case."""
    table = dict(DEMONYMS)
    for form, place in DEMONYMS.items():
        if not form.endswith(_NO_PLURAL_ENDINGS) and form not in ("Scots", "Swiss"):
            table.setdefault(form + "s", place)
    table.update(_IRREGULAR_PLURALS)
    return table


def demonym_place(word: str) -> str | None:
    """The place name a demonym ("Syrian", "Iraqis", "South Koreans") stands for, or None."""
    table = _demonym_table()
    if word in table:
        return table[word]
    if word.isupper() and len(word) > 3:
        return table.get(" ".join(w.capitalize() for w in word.split()))
    return None


def abbreviation_place(word: str) -> str | None:
    """The place name an abbreviation ("Calif.", "U.S.", "UK") stands for, or None."""
    return ABBREVIATIONS.get(word) or text_abbreviations().get(word)
