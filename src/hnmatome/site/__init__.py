"""The static site: content/ rendered into public/ (site/build.py lists the stages).

content.py, sources.py   what a build reads
model.py, taxonomy.py, related.py, urls.py, plan.py   the site model and its files
view.py                  the site as outputs read it (every read recorded)
markup/                  page bodies: shortcodes, markdown, comment bodies
render/                  templates, contexts, feeds, sitemap, social data
search/                  the Pagefind index
workers.py, output.py    rendering many at once; the staging folder
incremental/             what makes rebuilds cheap, and nothing else
"""
