# Debian packages Citadel needs, by purpose. Sourced by scripts/run and scripts/test.
# Each package's reason is in docs/dependencies.md.

# shellcheck disable=SC2034
CITADEL_RUN_PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache
  libboost1.81-dev libssl-dev openssl ca-certificates
  libpq-dev postgresql-15 postgresql-contrib
  nlohmann-json3-dev libtomlplusplus-dev libcli11-dev
  libxml2-dev libzxcvbn-dev libzstd-dev libssh-dev libarchive-dev libxxhash-dev
  iso-codes
  libkainjow-mustache-dev libcurl4-openssl-dev libqrencode-dev
  patroni etcd-server pgbackrest openssh-client
)

# shellcheck disable=SC2034
CITADEL_TEST_PACKAGES=(
  libgtest-dev libgmock-dev
  clang-16 libclang-rt-16-dev lld-16
  python3 python3-aiosmtpd curl procps iproute2 testssl.sh openssh-server openssh-client
  nodejs
  chromium chromium-driver python3-selenium python3-zbar
)
# Debian's npm, unless this Node.js brings its own: NodeSource's nodejs package
# (the one on CI's machines) bundles npm and conflicts with Debian's.
command -v npm >/dev/null 2>&1 || CITADEL_TEST_PACKAGES+=(npm)
