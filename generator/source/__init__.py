"""Reading the repository: walking it (`load`), YAML with the position of every value (`yamlsource`,
`sourcemap`), front matter (`frontmatter`), and problems as values (`problems`). It imports nothing
of clientkb's but the vocabulary; every other stage imports it."""
