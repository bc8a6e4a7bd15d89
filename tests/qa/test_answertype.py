"""The kind of answer a question asks for, and whether a text holds one."""

from __future__ import annotations

import pytest

from qa.answertype import AnswerType, counted_word, expected_type, holds

T = AnswerType


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Hoeveel extra geld krijgen politie en OM voor de aanpak van mensenhandel?", T.MONEY),
        ("Wat heeft de campagne in totaal gekost?", T.MONEY),
        ("Hoe hoog is de eigen bijdrage in de vrouwenopvang?", T.MONEY),
        ("Wat bedroeg de decentralisatie-uitkering in 2015?", T.MONEY),
        ("How much extra funding do municipalities receive?", T.MONEY),
        ("Voor hoe lang legt de burgemeester een huisverbod op?", T.DURATION),
        ("Wat is de maximale gevangenisstraf voor verkrachting?", T.DURATION),
        ("What was the average waiting time for a shelter place?", T.DURATION),
        ("Sinds wanneer is het Verdrag van kracht?", T.DATE),
        ("In welk jaar liet het kabinet een genderscan uitvoeren?", T.DATE),
        ("When did the Convention enter into force?", T.DATE),
        ("Welk percentage vrouwen heeft seks tegen de wil meegemaakt?", T.SHARE),
        ("Bij hoeveel procent van de slachtoffers is de dader een bekende?", T.SHARE),
        ("Hoeveel meldingen kregen de centra in 2017?", T.COUNT),
        ("How many shelter places are there for men?", T.COUNT),
        # counting time units asks how long
        ("Hoeveel dagen duurt een huisverbod?", T.DURATION),
        ("Hoeveel werkdagen heeft Veilig Thuis voor een onderzoek?", T.DURATION),
        ("How many weeks does a victim wait for a place?", T.DURATION),
        ("Hoeveel Centra Seksueel Geweld zijn er?", T.COUNT),
        # a keyword query names the figure it wants
        ("LKHA totaal aantal adviezen 2017", T.COUNT),
        # an average or a total of what is not counted: any figure
        ("gemiddelde tegemoetkoming ex-partnerregeling", T.FIGURE),
        ("gemiddelde doorlooptijd jeugdbescherming 2024", T.FIGURE),
        ("total budget of the programme", T.FIGURE),
        ("average number of placements per child", T.COUNT),
        # how much was spent or invested asks for money
        ("How much has been invested in freshwater measures?", T.MONEY),
        ("Hoeveel is er in 2024 uitgegeven aan de opvang?", T.MONEY),
        # open and yes/no questions ask for no figure
        ("Wanneer kan een huisverbod worden opgelegd?", T.NONE),
        ("Wat doet Veilig Thuis?", T.NONE),
        ("Is there national data on how many professionals were trained?", T.NONE),
        ("Kan een vrouw haar aangifte intrekken?", T.NONE),
    ],
)
def test_expected_type(question: str, kind: AnswerType) -> None:
    assert expected_type(question) is kind


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (T.MONEY, "In 2017 is € 1 miljoen beschikbaar gesteld.", True),
        (T.MONEY, "Zij houdt ten minste het zak- en kleedgeld over.", True),
        (T.MONEY, "De hulplijn is gratis.", True),
        (T.MONEY, "Gemeenten krijgen extra geld voor de aanpak.", False),
        (T.DURATION, "Het huisverbod geldt tien dagen.", True),
        (T.DURATION, "gemiddeld aantal dagen 122", True),
        (T.DURATION, "Het gaat om meisjes boven de zestien jaar.", False),
        (T.DURATION, "Ruim 800 mannen klopten de afgelopen jaren aan.", False),
        (T.DATE, "Het Verdrag is op 1 maart 2016 van kracht geworden.", True),
        (T.DATE, "Het Verdrag is van kracht.", False),
        (T.SHARE, "22% van de vrouwen", True),
        (T.SHARE, "Ruim de helft van de slachtoffers", True),
        (T.SHARE, "Veel vrouwen", False),
        (T.COUNT, "Er zijn 35 centrumgemeenten.", True),
        # an average or a total may be days, euros, a share or a count, but is no date
        (T.FIGURE, "De doorlooptijd bedroeg gemiddeld 94 dagen.", True),
        (T.FIGURE, "met een gemiddelde tegemoetkoming van € 10.630", True),
        (T.FIGURE, "Het aandeel steeg tot 68 procent.", True),
        (T.FIGURE, "Sinds 1 januari 2024 geldt een nieuwe regeling.", False),
        (T.FIGURE, "De doorlooptijd is aanzienlijk gedaald.", False),
        (T.COUNT, "Er zijn zestien centra.", True),
        (T.COUNT, "Sinds 10 oktober 2010 en volgens artikel 242 geldt dit.", False),
        (T.COUNT, "Er is geen uitsplitsing naar adviezen en meldingen.", False),
        (T.COUNT, "Slachtoffers kunnen er 24/7 terecht, ook 7 maal 24 uur per week.", False),
        # a duration is not a count of things, whether in digits or in words
        (T.COUNT, "Het onderzoek start binnen acht dagen na het incident.", False),
        (T.COUNT, "Een huisverbod duurt 10 dagen en kan tot 28 dagen worden verlengd.", False),
        (T.COUNT, "Er is een landelijk dekkend netwerk van 16 CSG’s in heel Nederland.", True),
        (T.COUNT, "Er zijn 35 centrumgemeenten; een plaatsing duurt 3 weken.", True),
        (T.COUNT, "Het gaat om meisjes boven de zestien jaar.", True),  # an age is a number
        # an item's number in a list or a heading is no count; a number after a colon is
        (T.COUNT, "Dit gaat via de politie. 5. Safe House: een beperkt aantal adressen.", False),
        (T.COUNT, "2.3 Opvang van slachtoffers", False),
        (T.COUNT, "Totaal: 35 centrumgemeenten.", True),
        (T.COUNT, "Dat was vorig jaar. 12 gemeenten deden mee.", True),
        # amounts written the English way
        (T.MONEY, "In April 2025 the Cabinet added EUR 750 million for 2027–2031.", True),
        (T.MONEY, "The programme costs 3.2 billion over ten years.", True),
        (T.MONEY, "Er deden 750 gemeenten mee.", False),
        (T.NONE, "Wat dan ook.", True),
    ],
)
def test_holds(kind: AnswerType, text: str, expected: bool) -> None:
    assert holds(kind, text) is expected


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("Hoeveel meldingen kregen de centra?", "meldingen"),
        ("Door hoeveel medewerkers wordt de rapporteur ondersteund?", "medewerkers"),
        ("Hoeveel extra plaatsen komen er?", "plaatsen"),
        ("Hoeveel ontvingen de centrumgemeenten?", None),  # a verb: its subject follows
        ("Hoeveel van de casussen ging over achterlating?", None),
        ("Hoeveel geld is er uitgekeerd?", None),
        ("Wat doet Veilig Thuis?", None),
    ],
)
def test_counted_word(question: str, word: str | None) -> None:
    assert counted_word(question) == word
