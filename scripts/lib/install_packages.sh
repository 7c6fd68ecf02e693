# install_packages PKG...: installs the Debian packages that are missing, and only
# those; says nothing when all are there. Works as root (CI) or through sudo.
# Idempotent: running it twice installs nothing the second time.

install_packages() {
  local missing=() pkg status
  for pkg in "$@"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0

  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "error: need root (or sudo) to install: ${missing[*]}" >&2; return 1; }
    sudo=(sudo)
  fi
  echo "Installing Debian packages: ${missing[*]}" >&2

  # Debian's postgresql package would create and start a 'main' cluster on TCP
  # 5432 that Citadel never uses; Citadel runs its own. Say so before install.
  if [[ ! -e /etc/postgresql-common/createcluster.conf ]]; then
    "${sudo[@]}" mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" | "${sudo[@]}" tee /etc/postgresql-common/createcluster.conf >/dev/null
  fi

  # openssh-server is installed only so the tests can start their own sshd
  # on a loopback port as an SFTP backup site; on a machine that had no SSH
  # server, the system's sshd on port 22 must not start with it.
  # sshd_not_to_be_run is Debian's switch (ssh.service is conditioned on it).
  if [[ " ${missing[*]} " == *" openssh-server "* && ! -e /etc/ssh/sshd_config ]]; then
    "${sudo[@]}" mkdir -p /etc/ssh
    "${sudo[@]}" touch /etc/ssh/sshd_not_to_be_run
  fi

  # etcd-server is installed for the high-availability cluster, whose etcd
  # `citadel cluster run` starts itself on its own ports as the service user;
  # Debian's etcd.service would otherwise start on install (on 2379/2380, as
  # user etcd) and keep running unused. Masked before install, so it never
  # starts: `systemctl unmask etcd` undoes it for an operator who wants it.
  # Only when we install it: an etcd already there is the operator's.
  if [[ " ${missing[*]} " == *" etcd-server "* && -d /run/systemd/system ]]; then
    "${sudo[@]}" systemctl mask etcd.service >/dev/null 2>&1 || true
  fi

  export DEBIAN_FRONTEND=noninteractive
  # One update per run, and only when something is missing.
  "${sudo[@]}" apt-get update -qq </dev/null >&2
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >&2
}
