"""Makes the trimmed Crunchbase extracts the `reports/crunchbase` study reads,
from Mode Analytics' export of October 2013 (USA only): the companies
founded and the rounds funded from 2012 on (the export ends in October
2013), only the columns the study uses, the old-Mac CR line endings kept.

    python3 trim.py ../../../shared/data/ecosystem-crunchbase-2013
"""
import csv
import io
import sys

KEEP = {
    "mode_crunchbase_companies_10_2013.csv": ("companies.csv", "founded_at", ["permalink", "category_code", "status", "state_code", "founded_at"]),
    "mode_crunchbase_rounds_10_2013.csv": ("rounds.csv", "funded_at", ["company_state_code", "funding_round_type", "funded_at", "raised_amount_usd"]),
}
SINCE = "2012-01-01"


def main(src):
    for name, (out, date, columns) in KEEP.items():
        # Latin-1 maps every byte to one character: the few non-ASCII bytes pass as they are.
        with open(f"{src}/{name}", newline="", encoding="latin-1") as f:
            rows = list(csv.DictReader(io.StringIO(f.read().replace("\r", "\n"))))
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r")
        w.writerow(columns)
        rows = [r for r in rows if r[date] >= SINCE]
        for r in rows:
            w.writerow([r[c] for c in columns])
        with open(out, "w", newline="", encoding="latin-1") as f:
            f.write(buf.getvalue())
        print(out, len(rows), "rows")


if __name__ == "__main__":
    main(sys.argv[1])
