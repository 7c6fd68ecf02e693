// The high-availability cluster's TLS files (platform::ClusterTlsPlan), made
// by `citadel cluster init --ha` (and `dr rebuild`) when [cluster] tls is on.
//
// Without operator files: a cluster CA (ECDSA P-256, SHA-256, CA:TRUE
// pathlen 0, ten years; ca.key 0600 ours, never given to a cluster process)
// and one certificate per part, signed by it: member-<i> (PostgreSQL, Patroni's
// REST API: serverAuth + clientAuth), etcd (clients and peers: serverAuth +
// clientAuth, its peers being clients of each other), each naming the cluster's address as an IP subjectAltName, five years. A
// second init keeps a certificate that is this CA's, matches its key, names
// the address and has more than 90 days left; otherwise it issues a new one
// (new key). An unreadable CA on disk is an error, never silently replaced.
//
// With [cluster] tls_ca_file/tls_cert_file/tls_key_file: the operator's
// certificate must chain to the CA, match the key and name the address; it is
// copied to every part's slot (so the modes and owners are right) and the CA
// to ca.crt. No ca.key then.
//
// Keys (member-*, etcd) are 0600 the service user's (PostgreSQL refuses a
// key others can read); certificates 0644. The http layer's certificate builder does the X.509.
//
// Called from one thread; touches only <data_dir>/ha/tls.
#pragma once

#include <cstdint>
#include <string>

#include "core/config.hpp"
#include "core/result.hpp"
#include "db/service_user.hpp"
#include "platform/cluster_topology.hpp"

namespace citadel::cli {

struct ClusterCertificatesReport {
  bool operator_files = false;
  bool made_ca = false;
  int issued = 0;  // certificates issued (or copied) by this call
  int kept = 0;
};

inline constexpr int kClusterCaValidityDays = 3650;
inline constexpr int kClusterCertValidityDays = 1825;
inline constexpr int kClusterCertRenewWithinDays = 90;

core::Result<ClusterCertificatesReport> EnsureClusterCertificates(const core::ClusterConfig& config,
                                                                  const platform::ClusterTopology& topology,
                                                                  const db::ServiceUser& user,
                                                                  std::int64_t now);

}  // namespace citadel::cli
