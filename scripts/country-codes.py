#!/usr/bin/env python3
"""Rebuilds schema/country-codes.csv from ../shared/external/cow-states-2016.csv and
wikidata-cow-gw-crosswalk.csv (plus the ISO 3166-1 codes below, which neither file has).

Usage: python3 scripts/country-codes.py [SHARED_EXTERNAL_DIR] > schema/country-codes.csv

One row per COW state code (every state of the COW list, not only post-Soviet ones):
  iso3, iso_num   ISO 3166-1 alpha-3 and numeric (empty for states ISO never coded,
                  e.g. Bavaria, the Republic of Vietnam; numeric from pycountry)
  cow, cow_abb    COW state number and abbreviation (COW abbreviations are not ISO: GRG, KZK)
  gw              Gleditsch-Ward number from the crosswalk's primary item (empty when the
                  crosswalk has no row for the COW code: unknown, not guessed)
  wikidata        the crosswalk's primary item for the COW code (the item named like COW's state)
  wikidata_other  the crosswalk's other items coded as this state, '|'-separated (Q15180 for 365)
  name            COW state name
  cow_spells      COW system-membership spells, 'YYYY-YYYY' '|'-separated
  id              the blocgraph entity id: the ISO alpha-3 code (COW 365, the USSR and
                  Russia, is RUS); empty when the state has no ISO code
  label           the label of a country entity an importer creates: COW's name, except
                  where COW's name is of a state that has gone (345 Yugoslavia -> Serbia)
"""
import csv
import os
import sys

# COW state number -> ISO 3166-1 alpha-3. Written by hand from the ISO 3166-1 list; every code
# is checked against pycountry (current or historic countries) below. Historic ISO codes for
# states that have gone: DDR (GDR), CSK (Czechoslovakia), YMD (South Yemen).
ISO3 = {
    2: "USA", 20: "CAN", 31: "BHS", 40: "CUB", 41: "HTI", 42: "DOM", 51: "JAM", 52: "TTO",
    53: "BRB", 54: "DMA", 55: "GRD", 56: "LCA", 57: "VCT", 58: "ATG", 60: "KNA", 70: "MEX",
    80: "BLZ", 90: "GTM", 91: "HND", 92: "SLV", 93: "NIC", 94: "CRI", 95: "PAN", 100: "COL",
    101: "VEN", 110: "GUY", 115: "SUR", 130: "ECU", 135: "PER", 140: "BRA", 145: "BOL",
    150: "PRY", 155: "CHL", 160: "ARG", 165: "URY", 200: "GBR", 205: "IRL", 210: "NLD",
    211: "BEL", 212: "LUX", 220: "FRA", 221: "MCO", 223: "LIE", 225: "CHE", 230: "ESP",
    232: "AND", 235: "PRT", 255: "DEU", 260: "DEU", 265: "DDR", 290: "POL", 305: "AUT",
    310: "HUN", 315: "CSK", 316: "CZE", 317: "SVK", 325: "ITA", 331: "SMR", 338: "MLT",
    339: "ALB", 341: "MNE", 343: "MKD", 344: "HRV", 345: "SRB", 346: "BIH", 349: "SVN",
    350: "GRC", 352: "CYP", 355: "BGR", 359: "MDA", 360: "ROU", 365: "RUS", 366: "EST",
    367: "LVA", 368: "LTU", 369: "UKR", 370: "BLR", 371: "ARM", 372: "GEO", 373: "AZE",
    375: "FIN", 380: "SWE", 385: "NOR", 390: "DNK", 395: "ISL", 402: "CPV", 403: "STP",
    404: "GNB", 411: "GNQ", 420: "GMB", 432: "MLI", 433: "SEN", 434: "BEN", 435: "MRT",
    436: "NER", 437: "CIV", 438: "GIN", 439: "BFA", 450: "LBR", 451: "SLE", 452: "GHA",
    461: "TGO", 471: "CMR", 475: "NGA", 481: "GAB", 482: "CAF", 483: "TCD", 484: "COG",
    490: "COD", 500: "UGA", 501: "KEN", 510: "TZA", 516: "BDI", 517: "RWA", 520: "SOM",
    522: "DJI", 530: "ETH", 531: "ERI", 540: "AGO", 541: "MOZ", 551: "ZMB", 552: "ZWE",
    553: "MWI", 560: "ZAF", 565: "NAM", 570: "LSO", 571: "BWA", 572: "SWZ", 580: "MDG",
    581: "COM", 590: "MUS", 591: "SYC", 600: "MAR", 615: "DZA", 616: "TUN", 620: "LBY",
    625: "SDN", 626: "SSD", 630: "IRN", 640: "TUR", 645: "IRQ", 651: "EGY", 652: "SYR",
    660: "LBN", 663: "JOR", 666: "ISR", 670: "SAU", 679: "YEM", 680: "YMD", 690: "KWT",
    692: "BHR", 694: "QAT", 696: "ARE", 698: "OMN", 700: "AFG", 701: "TKM", 702: "TJK",
    703: "KGZ", 704: "UZB", 705: "KAZ", 710: "CHN", 712: "MNG", 713: "TWN", 731: "PRK",
    732: "KOR", 740: "JPN", 750: "IND", 760: "BTN", 770: "PAK", 771: "BGD", 775: "MMR",
    780: "LKA", 781: "MDV", 790: "NPL", 800: "THA", 811: "KHM", 812: "LAO", 816: "VNM",
    820: "MYS", 830: "SGP", 835: "BRN", 840: "PHL", 850: "IDN", 860: "TLS", 900: "AUS",
    910: "PNG", 920: "NZL", 935: "VUT", 940: "SLB", 946: "KIR", 947: "TUV", 950: "FJI",
    955: "TON", 970: "NRU", 983: "MHL", 986: "PLW", 987: "FSM", 990: "WSM",
}
# COW states ISO 3166-1 never coded (gone before 1974 or never separate in ISO), and Kosovo
# (XKX is a user-assigned code, not ISO 3166-1).
NO_ISO = {240, 245, 267, 269, 271, 273, 275, 280, 300, 327, 329, 332, 335, 337, 347, 511, 678,
          730, 817}
# Where no crosswalk item is named like COW's state, the item that is the state today.
PRIMARY = {345: "Q838261"}
LABEL = {345: "Serbia"}


def main():
    import pycountry

    ext = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "..", "shared", "external")
    states = {}
    for r in csv.DictReader(open(os.path.join(ext, "cow-states-2016.csv"), encoding="utf-8")):
        c = int(r["ccode"])
        s = states.setdefault(c, {"abb": r["stateabb"], "name": r["statenme"], "spells": []})
        s["spells"].append(f'{r["styear"]}-{r["endyear"]}')
    items = {}
    for r in csv.DictReader(open(os.path.join(ext, "wikidata-cow-gw-crosswalk.csv"), encoding="utf-8")):
        if r["cow_code"]:
            items.setdefault(int(r["cow_code"]), []).append(r)
    missing = set(states) - set(ISO3) - NO_ISO
    assert not missing, f"no ISO decision for COW codes {sorted(missing)}"
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["iso3", "iso_num", "cow", "cow_abb", "gw", "wikidata", "wikidata_other",
                  "name", "cow_spells", "id", "label"])
    for c in sorted(states):
        s = states[c]
        iso3 = ISO3.get(c, "")
        num = ""
        if iso3:
            country = pycountry.countries.get(alpha_3=iso3) or pycountry.historic_countries.get(alpha_3=iso3)
            assert country, f"{iso3} (COW {c}) is not an ISO 3166-1 code"
            num = country.numeric
        rows = items.get(c, [])
        primary = next((r for r in rows if r["country_qid"] == PRIMARY.get(c)), None) \
            or next((r for r in rows if r["country"] == s["name"]), None) \
            or next((r for r in rows if r["match"] == "name"), None) \
            or (rows[0] if len(rows) == 1 else None)
        other = [r["country_qid"] for r in rows if r is not primary]
        out.writerow([iso3, num, c, s["abb"], primary["gw_code"] if primary else "",
                      primary["country_qid"] if primary else "", "|".join(other), s["name"],
                      "|".join(s["spells"]), iso3, LABEL.get(c, s["name"]) if iso3 else ""])


if __name__ == "__main__":
    main()
