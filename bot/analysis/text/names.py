"""How Arabic news names people: given names, Arabic and foreign, with their usual English spelling.

General knowledge of names, not of any story: the given names common across the Arab world,
the foreign given names outlets write in Arabic script, the divine names that follow عبد, and
the words that join a name (بن، أبو). Each line is `Arabic spellings = English`; the lists are
parsed and normalized once, when first used.
"""

from __future__ import annotations

from functools import cache

from bot.analysis.text.normalize import normalize

# Arabic given names, men's and women's, with the English spelling news agencies use most.
# Left out: names far more often a common word in news (يزيد increases, باسم in the name
# of, خلف behind).
_ARABIC_GIVEN = """
محمد محمّد = Mohamed
أحمد = Ahmed
محمود = Mahmoud
مصطفى مصطفي = Mustafa
علي = Ali
حسن = Hassan
حسين = Hussein
حسني = Hosni
عمر = Omar
عثمان = Othman
خالد = Khaled
خليفة = Khalifa
إبراهيم ابراهيم = Ibrahim
إسماعيل اسماعيل = Ismail
يوسف = Youssef
يحيى يحيي = Yahya
يونس = Younis
موسى = Moussa
عيسى = Issa
سليمان = Suleiman
داود داوود = Dawood
هشام = Hisham
هاشم = Hashem
سالم = Salem
سليم = Salim
سعيد = Said
سعد = Saad
سعود = Saud
صالح = Saleh
صلاح = Salah
فايز فائز = Fayez
فتحي = Fathi
نوري = Nouri
عطية = Attia
نبيل = Nabil
جمال = Jamal
كمال = Kamal
عادل = Adel
عاطف = Atef
وليد = Walid
وائل = Wael
وسام = Wissam
بهاء = Bahaa
منير = Mounir
مرعي = Marai
عماد = Emad
عمرو = Amr
أنور = Anwar
حافظ = Hafez
حمد = Hamad
حمدي = Hamdi
حمدان = Hamdan
راشد = Rashid
رشيد = Rachid
سرحان = Sarhan
ناصر = Nasser
نصر = Nasr
علاء = Alaa
أيمن = Ayman
أسامة = Osama
طارق = Tarek
تامر = Tamer
ثامر = Thamer
طلال = Talal
أشرف = Ashraf
أكرم = Akram
أمجد = Amjad
أنس = Anas
أيوب = Ayoub
بشير = Bashir
بشار = Bashar
بلال = Bilal
توفيق = Tawfik
جابر = Jaber
جلال = Jalal
جميل = Jamil
جواد = Jawad
حاتم = Hatem
حازم = Hazem
حامد = Hamed
حبيب = Habib
حسام = Hossam
حمزة = Hamza
خليل = Khalil
خميس = Khamis
خيري = Khairi
رامي = Rami
رائد = Raed
رضا = Reda
رمضان = Ramadan
رياض = Riad
زياد = Ziad
زكريا = Zakaria
زكي = Zaki
سامي = Sami
سامح = Sameh
سلمان = Salman
سمير = Samir
سيف = Saif
شريف = Sherif
شكري = Shukri
شوقي = Shawki
صابر = Saber
صادق = Sadiq
صبري = Sabri
صدام = Saddam
ضياء = Diaa
طه = Taha
ظافر = Zafer
عارف = Aref
عاصم = Assem
عامر = Amer
عباس = Abbas
عدنان = Adnan
عزت = Ezzat
عزالدين عز = Ezzeddine
عصام = Essam
عمار = Ammar
عوض = Awad
عون = Awn
غسان = Ghassan
فاروق = Farouk
فارس = Fares
فؤاد = Fouad
فهد = Fahd
فيصل = Faisal
قاسم = Qasim
كريم = Karim
ماجد = Majed
مالك = Malik
مازن = Mazen
مجدي = Magdy
مختار = Mokhtar
مراد = Mourad
مروان = Marwan
مسعود = Masoud
معمر = Muammar
معتز = Moataz
المعتصم معتصم = Mutassim
مفتاح = Muftah
منصور = Mansour
مهدي = Mahdi
مؤمن = Moamen
ناجي = Naji
نادر = Nader
نجيب = Najib
نزار = Nizar
هادي = Hadi
هاني = Hani
هيثم = Haitham
وحيد = Wahid
ياسر = Yasser
ياسين = Yassin
بكر = Bakr
جعفر = Jaafar
حيدر = Haidar
عقيل = Aqil
عقيلة = Aguila
فرج = Faraj
فرحات = Farhat
مصباح = Misbah
ميلاد = Milad
عبيد = Obeid
صقر = Saqr
مهند = Muhannad
إدريس ادريس = Idris
مبروك = Mabrouk
جبريل = Jibril
شعبان = Shaaban
رجب = Rajab
جمعة = Juma
فوزي = Fawzi
رفيق = Rafik
لطفي = Lotfi
منذر = Munther
مجاهد = Mujahid
محسن = Mohsen
معاذ = Moaz
مؤيد = Moayad
نعمان = Noman
نجم = Najm
هيثم = Haitham
وجدي = Wagdi
يسري = Yousri
إسلام = Islam
أسعد = Asaad
أمين = Amin
أنيس = Anis
باسل = Basel
بسام = Bassam
ثابت = Thabet
جاسم = Jassim
حمود = Hamoud
خلفان = Khalfan
راضي = Radi
ربيع = Rabie
زايد = Zayed
زهير = Zuhair
سلطان = Sultan
سهيل = Suhail
شادي = Shadi
شاكر = Shaker
صفوت = Safwat
ضاحي = Dahi
عبدو = Abdou
عرفات = Arafat
عزيز = Aziz
عصمت = Ismat
علوي = Alawi
غازي = Ghazi
فادي = Fadi
فاضل = Fadel
فراس = Firas
فريد = Farid
فيصل = Faisal
قيس = Qais
لؤي = Louay
ماهر = Maher
محيي = Mohieddin
مدحت = Medhat
مرتضى = Murtada
مشعل = Mishaal
مصعب = Musab
معن = Maan
منتصر = Muntasir
مهدي = Mahdi
نايف = Nayef
نبيه = Nabih
نشأت = Nashat
نضال = Nidal
نواف = Nawaf
هلال = Hilal
همام = Hammam
هيثم = Haitham
ياسين = Yassin
يعقوب = Yacoub
إلياس الياس = Elias
بدر = Badr
بطرس = Boutros
جرجس = Girgis
حنا = Hanna
ميشيل ميشال = Michel
نجيب = Najib
طاهر = Taher
الطاهر = al-Taher
الصادق = al-Sadiq
المهدي = al-Mahdi
الهادي = al-Hadi
المنذر = al-Munther
التجاني = al-Tijani
الصديق = al-Siddiq
المبروك = al-Mabrouk
الساعدي = al-Saadi
الأمين = al-Amin
البشير = al-Bashir
المختار = al-Mukhtar
فاطمة = Fatima
عائشة = Aisha
مريم = Maryam
زينب = Zeinab
خديجة = Khadija
هدى = Houda
نجلاء = Najla
سلوى = Salwa
ليلى = Leila
سعاد = Souad
أمل = Amal
نادية = Nadia
سميرة = Samira
منى = Mona
هالة = Hala
هند = Hind
رانيا = Rania
ريم = Reem
سارة = Sara
نور = Nour
دعاء = Doaa
إيمان = Iman
حنان = Hanan
رشا = Rasha
نسرين = Nesrine
عبير = Abeer
غادة = Ghada
لمياء = Lamia
ابتسام = Ibtisam
وفاء = Wafaa
سهام = Siham
جميلة = Jamila
حليمة = Halima
زهرة = Zahra
سلمى = Salma
نوال = Nawal
ماجدة = Magda
سامية = Samia
فايزة = Faiza
آمنة = Amina
أسماء = Asma
شيماء = Shaimaa
ياسمين = Yasmine
لينا = Lina
دينا = Dina
نجاة = Najat
سناء = Sanaa
هيفاء = Haifa
لبنى = Lubna
رنا = Rana
منال = Manal
سهير = Soheir
فوزية = Fawzia
نعيمة = Naima
حنين = Hanin
رحاب = Rehab
رقية = Ruqaya
صفاء = Safaa
عفاف = Afaf
علياء = Alia
فريدة = Farida
كوثر = Kawthar
لطيفة = Latifa
مها = Maha
ميساء = Maysaa
نهى = Noha
هبة = Heba
وداد = Widad
يسرى = Yousra
توكل = Tawakkol
سفيان = Sufian
إلهام الهام = Elham
بثينة = Buthaina
نورة = Noura
عبلة = Abla
سعدية = Saadia
مبارك = Mubarak
ونيس = Wanis
امحمد = Amhamed
أبوبكر ابوبكر = Abubakr
طيب = Tayeb
مولاي = Moulay
عبدو = Abdou
إياد اياد = Iyad
أنيس = Anis
مصعب = Musab
تركي = Turki
بندر = Bandar
نهيان = Nahyan
منصور = Mansour
جيهان = Jihan
شهد = Shahd
"""

# The name after عبد ("servant of"): عبد الله, عبد الرحمن ... written apart or joined.
_DIVINE = """
الله = ullah
الرحمن = rahman
الرحيم = rahim
العزيز = aziz
الكريم = karim
الحميد = hamid
المجيد = majid
الحكيم = hakim
السلام = salam
الفتاح = fattah
الباسط = basset
الرزاق الرازق = razek
القادر = kader
الحليم = halim
اللطيف = latif
الوهاب = wahab
الغني = ghani
الناصر = nasser
الهادي = hadi
المنعم = moneim
الجليل = jalil
الرؤوف الرءوف = raouf
الستار = sattar
الغفار = ghaffar
الملك = malik
العظيم = azim
الإله = ilah
المطلب = muttalib
الجبار = jabbar
الخالق = khaleq
الرشيد = rashid
الحفيظ = hafiz
الصمد = samad
الواحد = wahid
الودود = wadud
الحق = haq
النبي = nabi
الأمير = amir
الماجد = majid
القوي = qawi
المحسن = mohsen
الحي = hay
الباري = bari
الإله = ilah
السميع = samie
الرب = rab
المنعم = moneim
المولى = mawla
"""

# Foreign given names as Arabic outlets write them, with their own spelling.
_FOREIGN_GIVEN = """
جون = John
جورج = George
جوزيف جوزف = Joseph
جيمس = James
ديفيد دافيد = David
مايكل = Michael
مايك = Mike
مارك = Mark
ماركو = Marco
ماريو = Mario
ماتيو = Matteo
ماتيا = Mattia
جوزيبي جوزيبى جوزيبه = Giuseppe
جوزيه خوسيه = Jose
خوان = Juan
كارلوس = Carlos
كارلو = Carlo
لويجي لويغي = Luigi
أنطونيو انطونيو = Antonio
أنجيلينو = Angelino
أنجيلا أنغيلا انجيلا = Angela
إيمانويل ايمانويل = Emmanuel
فرانسوا فرنسوا = Francois
فرانسيس = Francis
جان = Jean
بيير = Pierre
لوران = Laurent
نيكولا نيكولاس = Nicolas
فلاديمير = Vladimir
سيرغي سيرجي سيرغاي = Sergei
ديمتري دميتري = Dmitry
ميخائيل = Mikhail
إيفان ايفان = Ivan
أليكسي ألكسي = Alexei
أليكسيس ألكسيس = Alexis
ألكسندر أليكسندر الكسندر = Alexander
ماريا = Maria
ماري = Marie
صوفي = Sophie
إيما = Emma
هيلين = Helene
كاترين كاثرين كاثرين = Catherine
فيديريكا فيدريكا = Federica
ريتشارد = Richard
روبرت = Robert
ويليام وليام = William
توماس = Thomas
توم = Tom
ستيفن = Stephen
ستيفاني = Stephanie
دونالد = Donald
هيلاري = Hillary
باراك = Barack
ريكس = Rex
جيم = Jim
بيتر = Peter
بول = Paul
باولو = Paolo
دانيلو = Danilo
دانييل دانيال = Daniel
سيرجو سيرجيو = Sergio
جوليا = Giulia
إنزو انزو = Enzo
فرانكو = Franco
برونو = Bruno
جاكومو غياكومو جياكومو = Giacomo
ألبرتو البرتو = Alberto
روبرتو = Roberto
لوكا = Luca
فابريس = Fabrice
فابريزيو = Fabrizio
أوليفييه = Olivier
جيرار = Gerard
إيف = Yves
كريستوف = Christophe
كريستين = Christine
كريستيان = Christian
هورست = Horst
هربرت هيربرت هربيرت = Herbert
هايكو = Heiko
فرانك = Frank
أولاف = Olaf
زيغمار = Sigmar
كلاوس = Klaus
هانز = Hans
ستيفان = Stefan
بوريس = Boris
تيريزا تريزا = Theresa
جيريمي = Jeremy
أليستر = Alistair
أليس = Alice
راشيل = Rachel
جينيفر = Jennifer
ليندا = Linda
نيكي = Nikki
هيذر = Heather
أنتوني انتوني = Anthony
كوفي = Kofi
مارتن = Martin
برناردينو = Bernardino
يان = Jan
إيان = Ian
نيكوس = Nicos
كيرياكوس = Kyriakos
أندريه = Andrei
يفغيني = Yevgeny
فيكتور = Victor
أوليغ = Oleg
نيكولاي = Nikolai
بيدرو = Pedro
خافيير = Javier
ماريانو = Mariano
مولود = Mevlut
هاكان = Hakan
كيم = Kim
مون = Moon
شينزو = Shinzo
جاستن = Justin
تيد = Ted
ليندسي = Lindsey
نانسي = Nancy
ماركوس = Marcus
إليزابيث = Elizabeth
تشارلز = Charles
هنري = Henry
إدوارد = Edward
أندرو = Andrew
جاريد = Jared
إيفانكا = Ivanka
ميلانيا = Melania
مايك = Mike
نيكي = Nikki
سوزان = Susan
جوناثان = Jonathan
زلماي = Zalmay
فيديريكو = Federico
إنريكو = Enrico
جورجيا = Giorgia
سيلفيو = Silvio
ماتيو = Matteo
باولو = Paolo
إيمانويلي = Emanuele
فينشنزو = Vincenzo
جوفاني = Giovanni
أريانا = Ariana
جان-إيف = Jean-Yves
كلود = Claude
لوك = Luc
نويل = Noel
جان-كلود = Jean-Claude
جان-مارك = Jean-Marc
جان-بيير = Jean-Pierre
جان-لوك = Jean-Luc
كريس = Chris
ستيف = Steve
ديك = Dick
غاري = Gary
توف = Tove
كايا = Kaja
أورسولا = Ursula
جوزيب = Josep
شارل = Charles
تيمان = Timan
محمدو = Mahamadou
"""

# Family names and nisbas common in Libya and the Arab world, with their usual English
# spelling (the article is added as "al-" when the name carries it).
_SURNAMES = """
عبيدي = Obeidi
ورفلي = Warfalli
زنتاني = Zintani
مصراتي = Misrati
طرابلسي = Trabelsi
ترهوني = Tarhouni
غرياني = Ghariani
برغثي = Barghathi
مغربي = Maghrebi
فيتوري = Fitouri
عقوري = Aguri
زليتني = Zliteni
جهاني = Jehani
مقرحي = Megrahi
عريبي = Oraibi
فرجاني = Ferjani
منصوري = Mansouri
حاسي = Hassi
كبتي = Kabti
عوامي = Awami
مسلاتي = Meslati
ساعدي = Saadi
زوي = Zway
علاقي = Allagi
هوني = Houni
شلماني = Shalmani
برعصي = Barasi
درسي = Dursi
عبار = Abbar
فاخري = Fakhri
حاراتي = Harati
أطرش = Atrash
جبالي = Jebali
حسني = Hasani
حسيني = Husseini
خطيب = Khatib
صغير = Saghir
تميمي = Tamimi
عتيبي = Otaibi
شمري = Shammari
قحطاني = Qahtani
دوسري = Dosari
غامدي = Ghamdi
زهراني = Zahrani
مطيري = Mutairi
عنزي = Anzi
حربي = Harbi
شهري = Shehri
مري = Marri
كواري = Kuwari
نعيمي = Nuaimi
هاشمي = Hashemi
موسوي = Moussawi
جبوري = Jubouri
دليمي = Dulaimi
عبادي = Abadi
مالكي = Maliki
حريري = Hariri
ترابي = Turabi
جزائري = Jazairi
تونسي = Tounsi
مصري = Masri
ليبي = Libi
سوري = Souri
عراقي = Iraqi
يمني = Yemeni
أنصاري = Ansari
قرشي = Qurashi
زرقاوي = Zarqawi
نجار = Najjar
حداد = Haddad
خياط = Khayat
عطار = Attar
حلبي = Halabi
شامي = Shami
بغدادي = Baghdadi
موصلي = Mosuli
بصري = Basri
كردي = Kurdi
سوداني = Sudani
فاسي = Fassi
علوي = Alaoui
إدريسي = Idrissi
بنا = Banna
شاذلي = Shazly
سيد = Sayed
شريف = Sherif
عبيد = Obeid
قاضي = Qadi
شيخ = Sheikh
أمين = Amin
عربي = Arabi
بدري = Badri
صديق = Siddiq
زروق = Zarrouk
عبده = Abdou
"""

# Words that join a name to the next: بن and ابن "son of", أبو "father of".
_JOINERS = """
بن = bin
ابن = ibn
بنت = bint
أبو ابو = Abu
آل = Al
ولد = Ould
"""


def parse_lexicon(text: str) -> dict[str, str]:
    """A lexicon's lines, `Arabic spellings = English`, as normalized spelling -> English."""
    table: dict[str, str] = {}
    for line in text.strip().splitlines():
        arabic, _, english = line.partition("=")
        for spelling in arabic.split():
            table.setdefault(normalize(spelling), english.strip())
    return table


@cache
def arabic_given() -> dict[str, str]:
    """Normalized Arabic given names and their English spelling."""
    return parse_lexicon(_ARABIC_GIVEN)


@cache
def foreign_given() -> dict[str, str]:
    """Normalized foreign given names in Arabic script and their own spelling."""
    return parse_lexicon(_FOREIGN_GIVEN)


@cache
def given_names() -> dict[str, str]:
    """Every given name, Arabic or foreign, normalized, with its English spelling."""
    return {**foreign_given(), **arabic_given()}


@cache
def divine_names() -> dict[str, str]:
    """The names that follow عبد, normalized, with the English ending ("rahman")."""
    return parse_lexicon(_DIVINE)


@cache
def surnames() -> dict[str, str]:
    """Normalized family names and nisbas, without the article, and their English spelling."""
    return parse_lexicon(_SURNAMES)


@cache
def joiners() -> dict[str, str]:
    """بن, أبو and the like, normalized, with their English form."""
    return parse_lexicon(_JOINERS)
