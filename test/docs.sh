#!/usr/bin/env bash
# The documentation and packaging hold together: every relative link of the
# Markdown files leads to a file of the repository (and, with an #anchor, to
# a heading of it); no file cites a document the repository does not have;
# the README stays a front door with the two quick-start commands; docs with
# figures say when and at which commit they were measured; META.json,
# CHANGELOG.md and LICENSE agree with the control file.  Plain shell: no git,
# no python (a fresh minimal Debian has neither).
set -uo pipefail
. "$(dirname "$0")/lib/tap.bash"

SRC=${POVERTY_AID_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$SRC" || exit 1

MD_FILES=(README.md CHANGELOG.md docs/*.md)

# anchors FILE: the GitHub anchors of FILE's headings, one a line.
anchors() {
	sed -n 's/^#\{1,6\} \(.*\)$/\1/p' "$1" | tr 'A-Z' 'a-z' | sed 's/[^a-z0-9 _-]//g; s/ /-/g'
}

# 1. Links.
bad=()
n_links=0
for f in "${MD_FILES[@]}"; do
	dir=$(dirname "$f")
	# Inline links [text](target), outside code spans is close enough here.
	while IFS= read -r target; do
		case "$target" in http://*|https://*|mailto:*) continue ;; esac
		n_links=$((n_links + 1))
		path=${target%%#*}
		anchor=
		[[ $target == *"#"* ]] && anchor=${target#*#}
		if [ -z "$path" ]; then file=$f; else file=$dir/$path; fi
		if [ ! -e "$file" ]; then
			bad+=("$f -> $target (no such file)")
		elif [ -n "$anchor" ] && [[ $file == *.md ]] && ! anchors "$file" | grep -qx -- "$anchor"; then
			bad+=("$f -> $target (no such heading)")
		fi
	done < <(grep -o '\](\([^)]*\))' "$f" | sed 's/^](\(.*\))$/\1/')
done
is "${#bad[@]}" "0" "all $n_links relative links of README.md, CHANGELOG.md and docs/*.md lead to a file and heading of the repository"
for b in "${bad[@]}"; do echo "#   $b"; done

# 2. No file cites a document that is not in the repository.
missing_doc=()
for name in DESIGN STYLE; do
	[ -e "$name.md" ] || [ -e "docs/$name.md" ] && continue
	while IFS= read -r hit; do missing_doc+=("$hit"); done < <(
		grep -rIl --exclude-dir=.git --exclude-dir=results --exclude=regression.diffs "$name\\.md" . | grep -v '^\./test/docs\.sh$')
done
is "${#missing_doc[@]}" "0" "no file refers to DESIGN.md or STYLE.md, which are not in the repository"
for b in "${missing_doc[@]}"; do echo "#   $b"; done

# 3. The README is the front door.
lines=$(wc -l <README.md)
ok $([ "$lines" -le 250 ]; echo $?) "README.md is short: $lines lines (at most 250)"
ok $(grep -qx 'bash test/run demo     # .*' README.md && grep -qx 'bash test/run test     # .*' README.md; echo $?) \
	"README.md gives the two quick-start commands, bash test/run demo and bash test/run test"
for f in docs/reference.md docs/reports.md docs/loading.md docs/reliability.md docs/performance.md docs/upgrading.md; do
	ok $(grep -q "](${f})" README.md; echo $?) "README.md links $f"
done

# 4. Figures carry their date and commit.
for f in docs/performance.md docs/reliability.md docs/reports.md docs/loading.md; do
	ok $(tr '\n' ' ' <"$f" | grep -Eq 'measured( on)? +20[0-9]{2}-[0-9]{2}-[0-9]{2} +at +commit +[0-9a-f]{7}'; echo $?) \
		"$f says on which date and at which commit its figures were measured"
done

# 5. Packaging: META.json, CHANGELOG.md, LICENSE agree with the control file.
version=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" poverty_aid.control)
meta=$(sql postgres "SELECT concat_ws(' ', j->>'name', j->>'version', j->'provides'->'poverty_aid'->>'version', j->>'license', j->'meta-spec'->>'version') FROM (SELECT \$json\$$(cat META.json)\$json\$::jsonb AS j) s")
is "$meta" "poverty_aid $version.0 $version.0 postgresql 1.0.0" \
	"META.json is valid JSON: name, version $version.0 (the control file's $version), license postgresql, meta-spec 1.0.0"
for v in $version $(ls sql/releases/ | sed -n 's/^poverty_aid--\([0-9.]*\)\.sql$/\1/p'); do
	ok $(grep -Eq "^## $v( |$)" CHANGELOG.md; echo $?) "CHANGELOG.md has a section for version $v"
done
is "$(head -1 LICENSE)" "PostgreSQL License" "LICENSE is the PostgreSQL License"

done_testing
