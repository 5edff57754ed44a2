#!/usr/bin/env bash
# The seed article's deploy script (seeds/001, "14 - Build a deployment shell script"), run as the
# benchmark's baseline: extract the release, find the port in use by curling localhost:4000, start
# the new instance on the other port, poll it once a second until it answers, then stop the old one
# at once. Nothing tells the proxy: it finds out from its next health check.
#
# Kept as published except for what the article's listing lost or leaves to the reader (marked
# "reconstructed"): the version argument, the if/else around the port test, the loop's `done`, and
# pointing LATEST_RELEASE (which the unit's ExecStart reads from env_vars) at the new version.
# /srv/my_app stands for /home/<YOUR_USERNAME>/my_app, the release is the fixture app (hello,
# not my_application), and the script runs as root, so `sudo` is dropped.
# The article's unquoted variables and `if $(curl ...)` stay as published:
# shellcheck disable=SC2086,SC2091
set -e

VERSION=$1 # reconstructed

# Update to latest version of code
cd /srv/my_app

# Extract latest release
tar -xf hello-$VERSION.tar.gz --one-top-level

# Find the port in use, and the available port
if $(curl --output /dev/null --silent --fail localhost:4000); then # reconstructed: then ... fi
  port_in_use=4000
  open_port=4001
else
  port_in_use=4001
  open_port=4000
fi

# Update release env vars with new port and set non-conflicting node name
echo "export PORT=${open_port}" >> hello-$VERSION/releases/$VERSION/env.sh
echo "export RELEASE_NODE=my_app-${open_port}" >> hello-$VERSION/releases/$VERSION/env.sh

# reconstructed: the unit starts hello-${LATEST_RELEASE} (EnvironmentFile=/srv/my_app/env_vars)
sed -i "s/^LATEST_RELEASE=.*/LATEST_RELEASE=$VERSION/" env_vars

echo "Starting the app on port ${open_port}"

# Start new instance of app
systemctl start my_app@${open_port}

# Pause script till app is fully up
until $(curl --output /dev/null --silent --fail localhost:$open_port); do
   printf 'Waiting for app to boot...\n'
   sleep 1
done # reconstructed

# Stop previous version of app
systemctl stop my_app@${port_in_use}
