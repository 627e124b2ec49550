"""Fixed vocabulary for demo data: names, places, goods, titles.

Everything a demo row draws from lives here, so the generator modules stay about
shape and timing. Contact details use ranges reserved for fiction: example.*
domains, Ofcom's 07700 900xxx drama numbers and the US 555-01xx block.
"""

from __future__ import annotations

from typing import Final

FIRST_NAMES: Final = (
    "Aaliyah Aaron Abigail Adam Adrian Ahmed Aisha Alan Alba Alex Alexander Alice Amara "
    "Amelia Amir Amy Ana Andre Angel Anika Anna Arjun Arthur Ava Ben Bianca Blake Bruno "
    "Caleb Camila Carlos Carmen Chloe Chris Clara Connor Daniel Daria David Diego Dominique "
    "Dylan Eleanor Elena Eli Elijah Ella Emily Emma Ethan Eva Evan Farah Felix Finn Freya "
    "Gabriel George Grace Hana Hannah Harper Harry Hassan Hugo Ibrahim Imani Isaac Isabel "
    "Isla Ivan Jack Jade James Jasmine Javier Jay Jin Joanna Jonah Jordan Jose Joseph Julia "
    "Kai Kareem Katie Kenji Kiara Laila Lars Layla Leah Leo Liam Lily Lina Logan Lucas Lucy "
    "Luis Maya Mason Mateo Matilda Maria Marcus Mei Mia Michael Mila Mohammed Nadia Naomi "
    "Nathan Nia Nikhil Noah Nora Olivia Omar Oscar Owen Priya Quinn Rafael Rahul Rania "
    "Reuben Riley Rosa Ruby Ryan Sam Sara Sebastian Sienna Sofia Sophie Tariq Thea Theo "
    "Thomas Tomas Uma Valentina Victor Violet Wei William Xavier Yara Yusuf Zara Zoe"
).split()

LAST_NAMES: Final = (
    "Abbott Acosta Adams Ahmed Alvarez Anderson Andrews Bailey Baker Banerjee Barnes Bell "
    "Bennett Blevins Brooks Brown Bryant Campbell Carter Castillo Chen Clarke Cole Collins "
    "Cook Cooper Cruz Davies Diaz Dixon Douglas Edwards Ellis Evans Fernandez Fisher Fleming "
    "Fletcher Foster Fuller Garcia Gibson Gill Gonzalez Graham Grant Gray Green Griffiths "
    "Gupta Hall Hamilton Harris Hayes Henderson Hill Holmes Hughes Hunt Hussain Jackson "
    "James Jenkins Johnson Jones Kaur Kelly Khan Kim King Knight Kowalski Lee Lewis Li "
    "Lopez Marshall Martin Martinez Mason Matthews Mendes Mills Mitchell Moore Morgan "
    "Morris Murphy Murray Nakamura Nguyen Novak Okafor Oliveira Owen Page Palmer Parker "
    "Patel Pearson Perez Phillips Powell Price Reid Reyes Richards Roberts Robinson Rossi "
    "Russell Ryan Santos Schmidt Scott Shah Shaw Silva Simpson Singh Smith Stewart Sullivan "
    "Tanaka Taylor Thomas Thompson Torres Tucker Turner Walker Wallace Walsh Ward Watson "
    "Webb Wells White Williams Wilson Wood Wright Yamamoto Young Zhang"
).split() + ["O'Brien", "O'Connor", "McAllister", "MacLeod", "Van Dijk", "De Souza"]

EMAIL_DOMAINS: Final = (
    "example.com",
    "example.org",
    "example.net",
    "mail.example.com",
    "corp.example",
    "campus.example",
)

JOB_TITLES: Final = (
    "Product Manager",
    "Software Engineer",
    "Account Executive",
    "Student",
    "Teaching Assistant",
    "Head of People",
    "Designer",
    "Data Analyst",
    "Customer Success Lead",
    "Event Coordinator",
    "Recruiter",
    "Research Fellow",
)

CUSTOMER_SOURCES: Final = (
    ("online-booking", 30),
    ("walk-in", 18),
    ("virbela-invite", 20),
    ("captive-portal", 14),
    ("oasis-app", 12),
    ("import", 6),
)

DEPARTMENTS: Final = (
    "Product",
    "Product Management",
    "Engineering",
    "Sales",
    "Marketing",
    "Finance",
    "People",
    "Operations",
    "Customer Success",
    "Research",
)
REGIONS: Final = (
    "Canada",
    "Alberta",
    "California",
    "Texas",
    "New York",
    "United Kingdom",
    "Ireland",
    "Germany",
    "Netherlands",
    "Australia",
    "Singapore",
)
PRONOUNS: Final = ("she/her", "he/him", "they/them")

# (os, processor, gfx, ram MB, device), as Virbela reports them
HARDWARE: Final = (
    (
        "Windows 10 (10.0.19044) 64bit",
        "Intel(R) Core(TM) i7-9750H CPU @ 2.60GHz",
        "NVIDIA GeForce RTX 2060",
        "16262",
        "OMEN by HP Laptop 15-dh0xxx (HP)",
    ),
    (
        "Mac OS X 10.16.0",
        "Intel(R) Core(TM) i7-9750H CPU @ 2.60GHz",
        "AMD Radeon Pro 5300M",
        "32768",
        "MacBookPro16,1",
    ),
    (
        "Windows 11 (10.0.22631) 64bit",
        "AMD Ryzen 7 5800H with Radeon Graphics",
        "NVIDIA GeForce RTX 3070 Laptop GPU",
        "32080",
        "ROG Strix G15 (ASUSTeK COMPUTER INC.)",
    ),
    (
        "Mac OS X 14.4.1",
        "Apple M2 Pro",
        "Apple M2 Pro",
        "16384",
        "Mac14,10",
    ),
    (
        "Windows 10 (10.0.19045) 64bit",
        "Intel(R) Core(TM) i5-1135G7 @ 2.40GHz",
        "Intel(R) Iris(R) Xe Graphics",
        "8038",
        "Latitude 5420 (Dell Inc.)",
    ),
    (
        "Mac OS X 13.6.0",
        "Apple M1",
        "Apple M1",
        "8192",
        "MacBookAir10,1",
    ),
)

# Hotspot clients: (device type, os, browser)
DEVICES: Final = (
    ("Mobile", "iOS 17.4", "Safari"),
    ("Mobile", "iOS 16.7", "Safari"),
    ("Mobile", "Android 14", "Chrome Mobile"),
    ("Mobile", "Android 13", "Samsung Internet"),
    ("Tablet", "iPadOS 17.3", "Safari"),
    ("Desktop", "Windows 11", "Edge"),
    ("Desktop", "Windows 10", "Chrome"),
    ("Desktop", "macOS 14.4", "Safari"),
    ("Desktop", "macOS 13.6", "Firefox"),
    ("Desktop", "Ubuntu 22.04", "Firefox"),
)

EXPERIENCES: Final = (
    "Beat Saber",
    "Half-Life: Alyx",
    "Arizona Sunshine",
    "Superhot VR",
    "Elven Assassin",
    "Creed: Rise to Glory",
    "Richie's Plank Experience",
    "The Walking Dead: Saints & Sinners",
    "Job Simulator",
    "Space Pirate Trainer",
    "Sairento VR",
    "Serious Sam VR: The Last Hope",
    "Zombieland VR: Headshot Fever",
    "Eleven Table Tennis",
    "Fruit Ninja VR",
    "Pistol Whip",
    "Contractors",
    "The Thrill of the Fight",
)

BOOKING_COMMENTS: Final = (
    "Birthday party, cake at the end",
    "Corporate team building, invoice to company",
    "Needs step-free access",
    "First time in VR, give a longer briefing",
    "Asked for Beat Saber expert songs",
    "Returning customer, prefers station 4",
    "Paid deposit by phone",
    "School group, two teachers attending",
    "Hen party",
    "Rebooked from last week",
)

# label name, colour
LABELS: Final = (
    ("Birthday", "#e91e63"),
    ("Corporate", "#3f51b5"),
    ("School group", "#009688"),
    ("VIP", "#ff9800"),
    ("First visit", "#8bc34a"),
    ("Promo", "#9c27b0"),
    ("Tournament", "#f44336"),
    ("Staff", "#607d8b"),
)

# (item, category, unit price in pence/cents)
ARENA_GOODS: Final = (
    ("Coca-Cola 330ml", "drinks", 250),
    ("Still water 500ml", "drinks", 150),
    ("Red Bull 250ml", "drinks", 300),
    ("Flat white", "drinks", 320),
    ("Sea salt crisps", "snacks", 120),
    ("Chocolate bar", "snacks", 150),
    ("Nachos with cheese", "snacks", 450),
    ("Popcorn", "snacks", 300),
    ("Arcade T-shirt", "merch", 1800),
    ("Arcade cap", "merch", 1200),
    ("VR headset keyring", "merch", 499),
    ("Hoodie", "merch", 3500),
    ("10 game credits", "game credits", 500),
    ("25 game credits", "game credits", 1000),
    ("60 game credits", "game credits", 2000),
    ("Party pack credits", "game credits", 4500),
)
STORE_GOODS: Final = (
    ("Chicken club sandwich", "food", 395),
    ("Falafel wrap", "food", 425),
    ("Salad bowl", "food", 525),
    ("Banana", "food", 35),
    ("Sparkling water 500ml", "drinks", 135),
    ("Orange juice 330ml", "drinks", 225),
    ("Energy drink 500ml", "drinks", 199),
    ("Oat latte", "drinks", 345),
    ("Protein bar", "snacks", 199),
    ("Salted pretzels", "snacks", 150),
    ("Phone charger cable", "merch", 999),
    ("Team scarf", "merch", 2200),
)

CAMPAIGNS: Final = (
    ("Example Campaign", "EXAMPLE-CAMPAIGN"),
    ("Home Insurance UK", "HOME-INS-UK"),
    ("Solar Panels", "SOLAR-PANELS"),
    ("Debt Advice", "DEBT-ADVICE"),
    ("Car Finance", "CAR-FINANCE"),
    ("Life Insurance", "LIFE-INS"),
    ("Energy Switch", "ENERGY-SWITCH"),
    ("Broadband Deals", "BROADBAND"),
    ("Mortgage Advice", "MORTGAGE-ADVICE"),
    ("Travel Insurance", "TRAVEL-INS"),
    ("Pet Insurance", "PET-INS"),
    ("Boiler Cover", "BOILER-COVER"),
)
SUPPLIERS: Final = (
    "Acme Leads Ltd",
    "Lead Gen Direct",
    "ClickFlow Media",
    "Northwind Data",
    "Bluebird Affiliates",
    "Quantum Traffic",
    "Harbour Digital",
    "Fox & Finch Marketing",
)
LEAD_SOURCES: Final = ("facebook", "google", "tiktok", "email", "affiliate", "organic")
POSTCODES: Final = (
    "SW1A 1AA",
    "M1 1AE",
    "LS1 4AP",
    "B1 1BB",
    "G1 1XQ",
    "BS1 4DJ",
    "CF10 1EP",
    "EH1 1YZ",
    "NE1 7RU",
    "L1 8JQ",
)

# (name, description, [(price name, amount in cents)])
PRODUCTS: Final = (
    ("Office 20", "Office with a maximum user count of 20", (("Standard", 0), ("Monthly", 4900))),
    ("Office 50", "Office with a maximum user count of 50", (("Standard", 0), ("Monthly", 9900))),
    ("Boardroom 12", "Boardroom for up to 12 people", (("Standard", 0), ("Annual", 39000))),
    ("Conference Hall 100", "Conference hall for up to 100 attendees", (("Monthly", 24900),)),
    ("Classroom 30", "Classroom with a presenter screen", (("Standard", 0), ("Term", 59000))),
    ("Expo Booth", "Exhibition booth with two screens", (("Event", 15000),)),
    ("Team Suite", "Suite of four rooms for one team", (("Monthly", 19900), ("Annual", 199000))),
    ("Auditorium 250", "Auditorium for large events", (("Event", 99000),)),
)
