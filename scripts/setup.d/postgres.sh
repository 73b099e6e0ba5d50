#!/usr/bin/env bash
# Test prerequisites of the clinic (issue 6), idempotent and quick when already done:
#  * a PostgreSQL server on 127.0.0.1:5432 that user "postgres" reaches without a password
#    (the store tests create and drop a throwaway database on it). One that already answers
#    is used as it is; otherwise Debian's postgresql package is installed and its cluster
#    started, with trust for local TCP connections (a test machine's own server only).
#  * pdftoppm (poppler-utils), which renders report PDFs to PNG for review in the tests.
set -euo pipefail

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

answers() {  # is a server accepting connections from user postgres on 127.0.0.1:5432?
  command -v psql >/dev/null 2>&1 &&
    PGCONNECT_TIMEOUT=3 psql -X -q -h 127.0.0.1 -p 5432 -U postgres -d postgres -c 'select 1' >/dev/null 2>&1
}

if ! command -v pdftoppm >/dev/null 2>&1; then
  echo "setup: installing poppler-utils (pdftoppm)"
  apt_install poppler-utils
fi

if answers; then
  exit 0
fi

if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
  echo "setup: installing PostgreSQL (Debian's postgresql package)"
  apt_install postgresql
fi

version=$(ls /etc/postgresql | sort -V | tail -1)
if [ -z "$(ls "/etc/postgresql/$version" 2>/dev/null)" ]; then
  pg_createcluster "$version" main >/dev/null
fi
hba="/etc/postgresql/$version/main/pg_hba.conf"
if ! grep -q '^host all postgres 127.0.0.1/32 trust' "$hba"; then
  # first match wins in pg_hba.conf: put the test rule on top
  sed -i '1i host all postgres 127.0.0.1/32 trust' "$hba"
fi
echo "setup: starting PostgreSQL $version"
pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null ||
  pg_ctlcluster --skip-systemctl-redirect "$version" main reload
for _ in $(seq 1 30); do
  answers && exit 0
  sleep 1
done
echo "setup: PostgreSQL did not start on 127.0.0.1:5432" >&2
exit 1
