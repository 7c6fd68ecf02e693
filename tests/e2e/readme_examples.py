"""The README's client examples, taken from README.md as a user would copy them
and pointed at a test server: the examples are proven to work, not only shown.

readme_example(language, after) is the first ```<language> block after the
line containing `after`; pointed_at() swaps the README's URL, database and login
for the test server's (each must be in the example exactly once, so an edited
README fails loudly here rather than running against nothing)."""
import os
import re

README = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "README.md")
URL, DB, LOGIN = "https://localhost:8443", '"demo"', '"admin"'


def readme_example(language, after):
    with open(README, encoding="utf-8") as f:
        text = f.read()
    start = text.index(after)
    block = re.compile(r"^```%s\n(.*?)^```$" % re.escape(language), re.M | re.S).search(text, start)
    if block is None:
        raise AssertionError("no ```%s block after %r in README.md" % (language, after))
    return block.group(1)


def pointed_at(example, url, db, login):
    for old in (URL, DB, LOGIN):
        if example.count(old) != 1:
            raise AssertionError("the README example should name %s once:\n%s" % (old, example))
    return example.replace(URL, url).replace(DB, '"%s"' % db).replace(LOGIN, '"%s"' % login)
