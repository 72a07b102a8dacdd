"""Reading the repository and what is kept about it: walking it (`load`), YAML with the position of
every value (`yamlsource`), front matter (`frontmatter`), problems as values (`problems`), and the
sealed caches outside the repository (`cache`). It imports only `model`; every stage above it
imports it."""
