"""Problem and contest formats: native, Kattis, Polygon, CodeContests, open-r1, Codeforces API."""
