#!/usr/bin/env bash
# Prove a backup restores: dump a PostgreSQL database (pg_dump -Fc), restore the dump into a
# scratch database on the same server, run a management command against the restored copy,
# then drop the copy. Exits with the command's status.
#
#   scripts/backup_restore_check.sh postgres://alliance:secret@db:5432/alliance verify_poll --all
#   scripts/backup_restore_check.sh "$DATABASE_URL" check --database default
#
# Needs pg_dump, pg_restore and psql of the server's major version (or newer) and the right to
# create a database. DJANGO_SETTINGS_MODULE and the other settings come from the environment;
# only DATABASE_URL is replaced by the scratch copy's. KEEP_DUMP=path keeps the dump there;
# PYTHON chooses the interpreter (default: .venv/bin/python when present, else python3).
set -euo pipefail

if [ $# -lt 2 ]; then
    echo "usage: $0 DATABASE_URL COMMAND [ARGS...]" >&2
    exit 2
fi
source_url=$1
shift
case "$source_url" in
    postgres://*/*|postgresql://*/*) ;;
    *) echo "$0: a PostgreSQL URL is needed, got: $source_url" >&2; exit 2 ;;
esac
if [[ "$source_url" == *\?* ]]; then
    echo "$0: query parameters in the URL are not supported" >&2
    exit 2
fi

root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$([ -x "$root/.venv/bin/python" ] && echo "$root/.venv/bin/python" || echo python3)}
scratch="restore_check_$(date +%s)_$$"
scratch_url="${source_url%/*}/$scratch"
dump=${KEEP_DUMP:-$(mktemp --suffix=.dump)}

cleanup() {
    psql "$source_url" -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS \"$scratch\"" >/dev/null || true
    [ -n "${KEEP_DUMP:-}" ] || rm -f "$dump"
}
trap cleanup EXIT

echo "== pg_dump -Fc: ${source_url##*/} -> $dump"
pg_dump --format=custom --no-owner --file="$dump" "$source_url"
echo "== pg_restore into the scratch database $scratch"
psql "$source_url" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$scratch\"" >/dev/null
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$scratch_url" "$dump"
echo "== manage.py $* on the restored copy"
cd "$root"
DATABASE_URL="$scratch_url" "$python" manage.py "$@"
