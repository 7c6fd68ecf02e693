// etcd's authentication for a high-availability cluster: two users, `root`
// (etcd's administrator, role root) and `patroni` (a role that may read and
// write only the keys under Patroni's namespace /citadel/), then `auth
// enable`. Run by `cluster run` (and `dr rebuild`) once etcd is healthy and
// before any Patroni starts (Patroni exits if it cannot authenticate), through
// etcd's v3 HTTP gateway (Debian's etcd-server has no etcdctl; the gateway is
// what Patroni speaks too), over TLS with Citadel's client certificate when
// the cluster's TLS is on.
//
// Idempotent: if root can authenticate, auth is on already and patroni's
// password is set again from the credentials (a changed credentials file
// takes effect); if etcd says auth is not enabled, the users and roles are
// made (an existing one is kept) and auth enabled. Passwords travel only in
// request bodies, never in a URL or a log line.
//
// Free functions; thread-safe.
#pragma once

#include <chrono>
#include <string>

#include "core/result.hpp"
#include "platform/cluster_credentials.hpp"
#include "platform/cluster_topology.hpp"

namespace citadel::platform {

// Patroni's keys: namespace "/citadel/" (patroni_config.cpp).
inline constexpr const char* kEtcdPatroniPrefix = "/citadel/";

core::Result<void> EnsureEtcdAuth(const ClusterTopology& topology,
                                  const ClusterCredentials& credentials,
                                  std::chrono::milliseconds timeout_per_call);

// The end of the etcd key range holding every key that starts with `prefix`
// (its last byte plus one): what `etcdctl role grant-permission --prefix` sends.
std::string EtcdPrefixRangeEnd(const std::string& prefix);

}  // namespace citadel::platform
