"""`clientkb log`: the changes a command makes to what users wrote, and nothing else. New event files
(`events`), and edits of existing files that change only the characters they mean to (`yaml_spans`
for YAML, a task item's box for Markdown), written only if the file is still as it was read
(`guarded`). It imports the model, the parser's names and `source`, never the build or the site;
only the command line imports it (which checks the result with the build before writing)."""
