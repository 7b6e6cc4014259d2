"""The static-HTML helpers shared by the rich views, the magics and the widgets."""

import xml.etree.ElementTree as ET

from kerasnb.engine.utils.html import STYLE, element, escape, table, view


def test_element_quotes_attributes_and_leaves_out_none():
    markup = element("td", escape("a < b"), cls="num", colspan=None, data_x='"q"')
    assert markup == '<td class="num" data-x="&quot;q&quot;">a &lt; b</td>'


def test_table_cells_caption_alignment_marks_and_spans():
    markup = table(["name", "size"], [["a & b", 1], [("<b>raw</b>",), 2.5], ["note"]],
                   numeric=[1], caption="Files <2>", cls="listing", marked=[1])
    root = ET.fromstring(markup)
    assert root.get("class") == "listing"
    assert root.find("caption").text == "Files <2>"
    assert [(th.text, th.get("class")) for th in root.iter("th")] == [("name", None),
                                                                      ("size", "num")]
    first, second, note = root.findall("tbody/tr")
    assert [td.text for td in first] == ["a & b", "1"] and first.get("style") is None
    assert second.get("style") == "font-weight:bold" and second[0].find("b").text == "raw"
    assert [td.get("class") for td in second] == [None, "num"]
    assert len(note) == 1 and note[0].get("colspan") == "2" and note[0].text == "note"


def test_only_one_tuples_of_a_string_are_raw_html():
    root = ET.fromstring(table(None, [[(3, 4), (10,), ("<i>x</i>",)]]))
    first, second, third = root.findall("tbody/tr/td")
    assert (first.text, second.text, third.find("i").text) == ("(3, 4)", "(10,)", "x")


def test_table_without_header_or_rows():
    assert ET.fromstring(table(None, [["x", "y"]])).find("thead") is None
    assert table(["a"], []) == "<table><thead><tr><th>a</th></tr></thead><tbody></tbody></table>"


def test_view_adds_the_shared_stylesheet_and_a_class():
    root = ET.fromstring(view(table(["a"], [["1"]]), cls="kerasnb-table"))
    assert root.get("class") == "kerasnb-view kerasnb-table"
    assert root.find("style").text.strip() == STYLE[len("<style>"):-len("</style>")].strip()
    assert ET.fromstring(view("")).get("class") == "kerasnb-view"
