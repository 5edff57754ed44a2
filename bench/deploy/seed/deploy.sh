#!/usr/bin/env bash
# The benchmark's baseline: the deploy flow the seed article (seeds/001, section 14) describes,
# written here from that description (not the article's listing): unpack the release; take the port
# that answers on localhost as the old one and the other as the new one; give the release that port
# and a node name; point the unit at the new version; start it; poll it once a second until it
# answers; then stop the old instance at once. Nothing tells the proxy: it finds out from its next
# health check. /srv/my_app stands for the article's home directory; the release is the fixture app.
set -euo pipefail

version=$1
cd /srv/my_app
tar -xf "hello-$version.tar.gz" --one-top-level

if curl -fso /dev/null localhost:4000; then old=4000 new=4001; else old=4001 new=4000; fi

# The release reads these from its env.sh; the unit finds the release through LATEST_RELEASE.
printf 'export PORT=%s\nexport RELEASE_NODE=my_app-%s\n' "$new" "$new" >>"hello-$version/releases/$version/env.sh"
sed -i "s/^LATEST_RELEASE=.*/LATEST_RELEASE=$version/" env_vars

echo "Starting the app on port $new"
systemctl start "my_app@$new"
until curl -fso /dev/null "localhost:$new"; do
  echo "Waiting for app to boot..."
  sleep 1
done
systemctl stop "my_app@$old"
