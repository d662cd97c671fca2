"""Foreign family names as Arabic outlets write them, with their own spelling.

General knowledge, not of any story: the surnames of the public figures of the states and
bodies that deal with Libya (Europe, the Americas, Russia, Turkey, Africa and the Sahel, the
UN and the EU) and common European surnames. Arabic script writes neither e nor double
letters and reaches g, v and ch by ear, so rules alone turn "ماتاريلا" into "Matarila";
these give Mattarella. Each line is `Arabic spellings = English`. Left out: spellings that
are also Arabic words or names (عنان, خان, ماي), which would rename Arabs.
"""

from __future__ import annotations

from functools import cache

from bot.analysis.text.names import parse_lexicon

_SURNAMES = """
ماتاريلا ماتاريللا ماتيريلا = Mattarella
كوتاريلي كوتاريللي = Cottarelli
كونتي = Conte
سالفيني = Salvini
تونينيلي تونينلي = Toninelli
ترينتا = Trenta
مينيتي = Minniti
جينتيلوني جنتيلوني = Gentiloni
رينزي = Renzi
ليتا = Letta
دراغي دراجي = Draghi
ميلوني = Meloni
تاياني تاجاني = Tajani
لامورجيزي لامورغيزي = Lamorgese
غويريني = Guerini
كروسيتو = Crosetto
بيانتيدوزي = Piantedosi
برلسكوني بيرلسكوني = Berlusconi
ألفانو = Alfano
بينوتي = Pinotti
برودي = Prodi
بونينو = Bonino
موغيريني موجيريني = Mogherini
موافيرو = Moavero
ميلانيزي = Milanesi
بيروني = Perrone
ماكرون = Macron
لودريان = Le Drian
لوبان = Le Pen
هولاند أولاند = Hollande
ساركوزي = Sarkozy
جوبيه = Juppe
فابيوس = Fabius
فالس = Valls
كاستانير = Castaner
كولومب = Collomb
بارلي = Parly
دارمانان = Darmanin
كولونا = Colonna
سيجورنيه = Sejourne
ميلانشون = Melenchon
فيون = Fillon
بايرو = Bayrou
بارنييه = Barnier
ليكورنو = Lecornu
ميركل = Merkel
شتاينماير = Steinmeier
شولتس شولز = Scholz
بيربوك = Baerbock
زيهوفر سيهوفر = Seehofer
شويبله = Schauble
كوبلر = Kobler
ميرتس = Merz
كورتس كورز = Kurz
كيكل = Kickl
كنايسل = Kneissl
شتراخه = Strache
جونسون = Johnson
هانت = Hunt
راب = Raab
تراس = Truss
كليفرلي = Cleverly
سوناك = Sunak
ستارمر = Starmer
لامي = Lammy
كاميرون = Cameron
هيغ = Hague
هاموند = Hammond
كوربن كوربين = Corbyn
بلير = Blair
ويليامسون = Williamson
ترامب = Trump
أوباما = Obama
بايدن = Biden
بومبيو = Pompeo
تيلرسون تيليرسون = Tillerson
كيري = Kerry
كلينتون = Clinton
بولتون بولتن = Bolton
ماتيس = Mattis
إسبر = Esper
بلينكن = Blinken
روبيو = Rubio
هاريس = Harris
بنس = Pence
كوشنر = Kushner
سوليفان = Sullivan
نورلاند = Norland
ستيفنز = Stevens
شينكر = Schenker
هيلي = Haley
ويتكوف = Witkoff
بولس = Boulos
هيغسيث = Hegseth
ماكونيل = McConnell
بيلوسي = Pelosi
ماكين = McCain
غراهام = Graham
بوتين = Putin
لافروف = Lavrov
ميدفيديف مدفيديف = Medvedev
بيسكوف = Peskov
زاخاروفا = Zakharova
بوغدانوف = Bogdanov
شويغو = Shoigu
بريغوجين = Prigozhin
قديروف = Kadyrov
نيبينزيا نيبنزيا = Nebenzia
لافرنتييف = Lavrentiev
يفكوروف = Yevkurov
تسيبراس = Tsipras
ديمايو = Di Maio
ميتسوتاكيس = Mitsotakis
كوتزياس = Kotzias
دندياس = Dendias
أناستاسيادس أناستاسياديس = Anastasiades
خريستودوليدس = Christodoulides
موسكات = Muscat
أبيلا = Abela
سانشيز = Sanchez
راخوي = Rajoy
بوريل = Borrell
ألباريس = Albares
أردوغان = Erdogan
فيدان = Fidan
يلدريم = Yildirim
ديبي = Deby
إرديمي أرديمي = Erdimi
فكي = Faki
يوسفو = Issoufou
بازوم = Bazoum
تياني = Tiani
كيتا = Keita
غويتا = Goita
تراوري = Traore
كابوري = Kabore
تشيسيكيدي = Tshisekedi
كاغامي كاغامه = Kagame
موسيفيني = Museveni
كينياتا = Kenyatta
رامافوزا = Ramaphosa
زوما = Zuma
بوهاري = Buhari
تينوبو = Tinubu
بوتفليقة = Bouteflika
تبون = Tebboune
لعمامرة = Lamamra
غوتيريش غوتيريس جوتيريش = Guterres
كوبيش = Kubis
باتيلي = Bathily
تيتيه = Tetteh
ويليامز = Williams
غريفيث غريفيثس جريفيث = Griffiths
جونز = Jones
يونكر = Juncker
توسك = Tusk
أفراموبولوس = Avramopoulos
ليجيري ليجري = Leggeri
غراندي = Grandi
فيتورينو = Vitorino
بنسودا = Bensouda
كالاس = Kallas
"""


@cache
def foreign_surnames() -> dict[str, str]:
    """Normalized foreign surnames in Arabic script and their own spelling."""
    return parse_lexicon(_SURNAMES)


@cache
def foreign_surnames_by_ear() -> dict[str, str]:
    """The same surnames by their key by ear, which other spellings of them share (ماتيرلا)."""
    by_ear: dict[str, str] = {}
    for arabic, english in foreign_surnames().items():
        if key := by_ear_key(arabic):
            by_ear.setdefault(key, english)
    return by_ear


# A foreign name reaches Arabic by ear and outlets write its sounds differently: g as غ, ج
# or ق, k as ك or گ, v as ف or ڤ, t as ت or ط, s as س or ص, and long vowels or none.
_BY_EAR = str.maketrans("غقگڤطص", "جككفتس")
_VOWEL_LETTERS = frozenset("اويء")
_BY_EAR_MARK = "~"  # keeps keys apart from words where both share a table
_MIN_BY_EAR = 5  # four letters (بلسي) join Blasi and Pelosi, Mourinho and Moreno


def by_ear_key(norm: str) -> str:
    """What the spellings of one foreign word share, or "" for a word too short to tell.

    The key keeps the consonants in order and the last letter: the vowel a name ends with
    tells names apart that share their consonants (سالفيني Salvini, ساليفان Sullivan).
    """
    if len(norm) < 2 or norm.startswith("ال"):
        return ""
    folded = norm.translate(_BY_EAR)
    middle = "".join(c for c in folded[1:-1] if c not in _VOWEL_LETTERS)
    key = folded[0] + middle + folded[-1]
    key = "".join(c for i, c in enumerate(key) if i == 0 or c != key[i - 1])
    return _BY_EAR_MARK + key if len(key) >= _MIN_BY_EAR else ""
