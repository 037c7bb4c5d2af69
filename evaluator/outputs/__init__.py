"""What the tool writes: the annotated copy of each workbook and one reporter per report format,
all written atomically, with text from workbooks kept inert."""
