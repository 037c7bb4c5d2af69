"""The annotated copy of an .xlsx/.xlsm written by patching the original package (see
:mod:`evaluator.outputs.package` for what changes and what stays byte for byte).

The cells marked, the comment each gets and the 校验结果 sheet are the same as the openpyxl copy's
(:mod:`evaluator.outputs.annotate`): the comment text comes from the same function, and 校验结果
is written by the same function into a one-sheet workbook whose sheet, table and formats are then
moved into the package.

An annotated copy sent back (an accountant's corrected copy) is first put back as the author left
it: every cell an earlier run marked gets its original fill again (unless the author changed the
fill since) and its original comment (or none), and the earlier 校验结果 sheet is removed; then the
current findings are marked. The mark (:mod:`evaluator.outputs.marker`) records each marked cell's
original fill and comment, so that the next round can do the same.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any, BinaryIO

from evaluator.findings import Finding, Severity
from evaluator.outputs import marker
from evaluator.outputs.inert import xlsx_text
from evaluator.outputs.package import (
    CT_COMMENTS, CT_CUSTOM, CT_SHEET, CT_TABLE, CT_VML, COMMENTS_TYPE, CUSTOM_TYPE, DECLARATION, MAIN, REL,
    SHEET_TYPE, TABLE_TYPE, VML_TYPE, CannotPatch, Package, Styles, _attr, _escape, add_default,
    add_legacy_drawing, add_override, add_relationship, anchor, cell_styles, comment_text_xml, comments_texts,
    letters, merged_ranges, new_vml, open_package, relationships, remove_override, remove_relationship,
    solid_fill, vml_add_shapes, vml_idmap, vml_remove_shapes, workbook_sheets, write_package)

#: The fill of a marked cell, by severity (the colours of :data:`evaluator.outputs.annotate.FILLS`).
COLOURS = {Severity.ERROR: "FFC7CE", Severity.WARNING: "FFEB9C", Severity.INFO: "DDEBF7"}
_OURS = re.compile("|".join(COLOURS.values()), re.IGNORECASE)


def patch_annotated(result: Any, source: BinaryIO, target: BinaryIO, comment_text, comment_size,
                    build_result_sheet) -> None:
    """Write the annotated copy of ``result`` (read from ``source``) to ``target``.

    ``comment_text(findings) -> str``, ``comment_size(text, earlier) -> (width, height)`` and
    ``build_result_sheet(name, sheetnames, table_names) -> bytes`` (a one-sheet .xlsx) come from
    :mod:`evaluator.outputs.annotate`, so that both writers say the same."""
    package = open_package(source)
    sheets = workbook_sheets(package)
    styles = Styles(package.text("xl/styles.xml"))
    earlier = marker.looks_of(package.text(marker.CUSTOM_PART)) if package.has(marker.CUSTOM_PART) else None
    for stale in result.ignored_sheets:
        sheets = _remove_sheet(package, sheets, stale)
    by_name = {sheet.name: sheet for sheet in sheets}

    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in result.findings:
        if finding.sheet and finding.cell and finding.sheet in by_name:
            by_cell[(finding.sheet, finding.cell)].append(finding)
    looks: list[tuple[str, str, str | None, str | None]] = []
    touched = set(by_name) & ({sheet for sheet, _ in by_cell} | set((earlier or {}).get("cells", {})))
    for sheet in sheets:
        if sheet.name not in touched:
            continue
        recorded = (earlier or {}).get("cells", {}).get(sheet.name, {})
        marks = {key[1]: group for key, group in by_cell.items() if key[0] == sheet.name}
        looks.extend(_patch_sheet(package, sheet, styles, marks, recorded, comment_text, comment_size))

    _add_result_sheet(package, sheets, styles, build_result_sheet)
    package.put("xl/styles.xml", styles.finish())
    _stamp(package, looks, getattr(result, "values_digest", None))
    write_package(package, target)


# ------------------------------------------------------------------------------------------------
# Marked cells


def _patch_sheet(package: Package, sheet, styles: Styles, marks: dict[str, list[Finding]],
                 recorded: dict[str, list], comment_text, comment_size) -> list[tuple[str, str, str | None, str | None]]:
    xml = package.text(sheet.part)
    if "<worksheet" not in xml:
        raise CannotPatch(f"{sheet.part}: not the main namespace without a prefix")
    merged = merged_ranges(xml)
    # Marks on the cell that carries them (a merged range's top-left), several findings together.
    grouped: dict[tuple[int, int], list[Finding]] = defaultdict(list)
    for address, group in marks.items():
        grouped[anchor(address, merged)].extend(group)
    restore = {}
    for address, (fill, comment) in recorded.items():
        restore[anchor(address, merged)] = (fill, comment)
    cells = set(grouped) | set(restore)
    current = cell_styles(xml, cells)

    rels = relationships(package, sheet.part)
    comments_rel = next((r for r in rels if r["Type"] == COMMENTS_TYPE and not r["External"]), None)
    vml_rel = next((r for r in rels if r["Type"] == VML_TYPE and not r["External"]), None)
    comments_xml = package.text(comments_rel["Part"]) if comments_rel else None
    existing = comments_texts(comments_xml) if comments_xml else {}

    new_styles: dict[tuple[int, int], int] = {}
    texts: dict[str, str | None] = {}        # A1 → the comment it ends with (None: none)
    boxes: dict[str, tuple[int, int]] = {}   # A1 → (width, height) of a comment box to add
    looks = []
    for cell in sorted(cells):
        ref = f"{letters(cell[1])}{cell[0]}"
        style = current[cell]
        comment = existing.get(ref)
        if cell in restore:   # as the author left it: the fill we put there goes, the original comes back
            fill, original = restore[cell]
            if _OURS.search(styles.fill_of(style) or ""):
                style = styles.with_fill(style, styles.fill(fill) if fill else 0)
                new_styles[cell] = style
            comment = original
            if existing.get(ref) != original:
                texts[ref] = original
        group = grouped.get(cell)
        if not group:
            continue
        looks.append((sheet.name, ref, styles.fill_of(style), comment))
        worst = max(group, key=lambda finding: finding.severity.rank).severity
        new_styles[cell] = styles.with_fill(style, styles.fill(solid_fill(COLOURS[worst])))
        ours = xlsx_text(comment_text(group))
        texts[ref] = xlsx_text(f"{comment}\n\n{ours}") if comment else ours
        if ref not in existing:
            boxes[ref] = comment_size(ours, comment)
    xml = _restyle(xml, new_styles)
    if texts:
        xml = _comments(package, sheet, xml, comments_rel, vml_rel, comments_xml, existing, texts, boxes)
    package.put(sheet.part, xml)
    return looks


def _restyle(xml: str, styles: dict[tuple[int, int], int]) -> str:
    from evaluator.outputs.package import restyle

    return restyle(xml, styles)


def _comments(package: Package, sheet, xml: str, comments_rel, vml_rel, comments_xml: str | None,
              existing: dict[str, str], texts: dict[str, str | None], boxes: dict[str, tuple[int, int]]) -> str:
    """The sheet's comments part with ``texts`` in place (None: the comment removed), and its VML
    drawing with a box for every new comment (and none for a removed one)."""
    if comments_xml is None:
        part = _unused_part(package, "xl/comments%d.xml")
        comments_xml = (f'{DECLARATION}<comments xmlns="{MAIN}"><authors><author>{marker.AUTHOR}</author></authors>'
                        f'<commentList/></comments>')
        rid = add_relationship(package, sheet.part, COMMENTS_TYPE, "/" + part)
        add_override(package, part, CT_COMMENTS)
        comments_rel = {"Id": rid, "Part": part}
    if "<comments" not in comments_xml:
        raise CannotPatch("comments: not the main namespace without a prefix")
    authors = re.findall(r"<author>(.*?)</author>", comments_xml, re.DOTALL)
    if marker.AUTHOR in authors:
        author = authors.index(marker.AUTHOR)
    else:
        author = len(authors)
        if "<authors/>" in comments_xml:
            comments_xml = comments_xml.replace("<authors/>", f"<authors><author>{marker.AUTHOR}</author></authors>", 1)
        else:
            comments_xml = comments_xml.replace("</authors>", f"<author>{marker.AUTHOR}</author></authors>", 1)
    for ref in texts:   # every comment being replaced or removed goes first
        comments_xml = re.sub(rf'<comment\b[^>]*\sref="{ref}"[^>]*?(?:/>|>.*?</comment>)', "", comments_xml,
                          flags=re.DOTALL)
    added = "".join(f'<comment ref="{ref}" authorId="{author}">{comment_text_xml(text)}</comment>'
                    for ref, text in texts.items() if text is not None)
    if "<commentList/>" in comments_xml:
        comments_xml = comments_xml.replace("<commentList/>", f"<commentList>{added}</commentList>", 1)
    else:
        comments_xml = comments_xml.replace("</commentList>", added + "</commentList>", 1)
    package.put(comments_rel["Part"], comments_xml)

    from evaluator.outputs.package import split_ref

    removed = {split_ref(ref) for ref, text in texts.items() if text is None and ref in existing}
    shapes = [(*split_ref(ref), *boxes[ref]) for ref in texts if ref in boxes and texts[ref] is not None]
    if vml_rel is None:
        if not shapes:
            return xml
        part = _unused_part(package, "xl/drawings/vmlDrawing%d.vml")
        idmap = 1 + max([0, *(vml_idmap(package.text(name)) or 0 for name in package.names()
                              if name.lower().endswith(".vml"))])
        vml = new_vml(idmap)
        rid = add_relationship(package, sheet.part, VML_TYPE, "/" + part)
        add_default(package, "vml", CT_VML)
        xml = add_legacy_drawing(xml, rid)
        vml_rel = {"Part": part}
    else:
        vml = package.text(vml_rel["Part"])
        idmap = vml_idmap(vml) or 1000
    if removed:
        vml = vml_remove_shapes(vml, removed)
    if shapes:
        vml = vml_add_shapes(vml, shapes, idmap)
    package.put(vml_rel["Part"], vml)
    if '<legacyDrawing' not in xml:
        xml = add_legacy_drawing(xml, vml_rel.get("Id") or next(
            r["Id"] for r in relationships(package, sheet.part) if r["Type"] == VML_TYPE))
    return xml


def _unused_part(package: Package, pattern: str) -> str:
    from evaluator.outputs.package import unused

    return unused(package, pattern)


# ------------------------------------------------------------------------------------------------
# Sheets added and removed


def _remove_sheet(package: Package, sheets: list, name: str) -> list:
    """Take an earlier run's 校验结果 out of the package (its part, tables, names and entries)."""
    index = next((i for i, sheet in enumerate(sheets) if sheet.name == name), None)
    if index is None:
        return sheets
    sheet = sheets[index]
    for rel in relationships(package, sheet.part):
        if rel["Type"] == TABLE_TYPE and not rel["External"]:
            package.remove(rel["Part"])
            remove_override(package, rel["Part"])
    from evaluator.outputs.package import rels_name

    if package.has(rels_name(sheet.part)):
        package.remove(rels_name(sheet.part))
    package.remove(sheet.part)
    remove_override(package, sheet.part)
    remove_relationship(package, "xl/workbook.xml", sheet.rid)
    book = package.text("xl/workbook.xml")
    book = re.sub(rf'<sheet\b[^>]*\sr:id="{re.escape(sheet.rid)}"[^>]*/>', "", book, count=1)

    def renumber(match: re.Match) -> str:
        local = int(match.group(2))
        if local == index:
            return ""
        return match.group(0) if local < index else match.group(0).replace(
            f'localSheetId="{local}"', f'localSheetId="{local - 1}"', 1)

    book = re.sub(r'(<definedName\b[^>]*\slocalSheetId=")(\d+)"[^>]*>.*?</definedName>', renumber, book,
                  flags=re.DOTALL)
    book = re.sub(r"<definedNames>\s*</definedNames>", "", book)
    remaining = len(sheets) - 1
    book = re.sub(r'(\s(?:activeTab|firstSheet)=")(\d+)"',
                  lambda m: f'{m.group(1)}{min(int(m.group(2)), max(remaining - 1, 0))}"', book)
    package.put("xl/workbook.xml", book)
    return [s for s in sheets if s is not sheet]


def _table_names(package: Package) -> tuple[set[str], int]:
    names, top = set(), 0
    for part in package.names():
        if part.startswith("xl/tables/") and part.endswith(".xml"):
            head = package.text(part)[:2000]
            for key in ("name", "displayName"):
                value = _attr(head, key)
                if value:
                    names.add(value.lower())
            number = _attr(head, "id")
            if number and number.isdigit():
                top = max(top, int(number))
    return names, top


def _add_result_sheet(package: Package, sheets: list, styles: Styles, build_result_sheet) -> None:
    """校验结果, written by the shared function into a :class:`~evaluator.outputs.sheetxml.RecordingSheet`
    and added as sheet XML, with its table and defined names."""
    from evaluator.outputs.annotate import result_sheet_name
    from evaluator.outputs.sheetxml import table_xml

    sheetnames = [sheet.name for sheet in sheets]
    table_names, top_table = _table_names(package)
    name = result_sheet_name(sheetnames)
    sheet_xml, tables, defined = build_result_sheet(name, sheetnames, table_names).xml(styles)
    part = _unused_part(package, "xl/worksheets/sheet%d.xml")
    for number, table in enumerate(tables):
        top_table += 1
        table_part = _unused_part(package, "xl/tables/table%d.xml")
        package.put(table_part, DECLARATION + table_xml(table, top_table))
        add_override(package, table_part, CT_TABLE)
        rid = add_relationship(package, part, TABLE_TYPE, "/" + table_part)
        sheet_xml = sheet_xml.replace(f'r:id="{{table{number}}}"', f'r:id="{rid}"')
    package.put(part, DECLARATION + sheet_xml)
    add_override(package, part, CT_SHEET)
    rid = add_relationship(package, "xl/workbook.xml", SHEET_TYPE, "/" + part)

    book = package.text("xl/workbook.xml")
    if not re.search(r'xmlns:r="' + re.escape(REL) + '"', book):
        raise CannotPatch("workbook.xml does not name the relationships namespace r")
    ids = [int(n) for n in re.findall(r'<sheet\b[^>]*\ssheetId="(\d+)"', book)]
    entry = f'<sheet name="{_escape(name)}" sheetId="{max(ids, default=0) + 1}" r:id="{rid}"/>'
    if "</sheets>" not in book:
        raise CannotPatch("workbook.xml without sheets")
    book = book.replace("</sheets>", entry + "</sheets>", 1)
    local = len(sheets)
    hidden_attr = ' hidden="1"'
    names = "".join(f'<definedName name="{key}" localSheetId="{local}"{hidden_attr if hidden else ""}>'
                    f"{_escape(formula)}</definedName>" for key, formula, hidden in defined)
    if names:
        book = re.sub(r"<definedNames\s*/>", "<definedNames></definedNames>", book, count=1)
        if "</definedNames>" in book:
            book = book.replace("</definedNames>", names + "</definedNames>", 1)
        else:
            ends = [match.end() for match in
                    re.finditer(r"</externalReferences>|</functionGroups>|<functionGroups\b[^>]*/>", book)]
            at = max([book.index("</sheets>") + len("</sheets>"), *ends])
            book = book[:at] + f"<definedNames>{names}</definedNames>" + book[at:]
    package.put("xl/workbook.xml", book)


# ------------------------------------------------------------------------------------------------
# The mark


def _stamp(package: Package, looks, digest: str | None) -> None:
    properties = marker.mark_properties(looks, digest)
    if package.has(marker.CUSTOM_PART):
        text = package.text(marker.CUSTOM_PART)
        if "<Properties" not in text:
            raise CannotPatch("custom.xml: not the expected namespace")
        text = marker.replace_properties(text, properties)
    else:
        text = marker.new_custom_part(properties)
        add_relationship(package, "", CUSTOM_TYPE, marker.CUSTOM_PART)
        add_override(package, marker.CUSTOM_PART, CT_CUSTOM)
    package.put(marker.CUSTOM_PART, text)
