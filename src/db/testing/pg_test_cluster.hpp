// The PostgreSQL of `pg` tests: one EmbeddedCluster per test binary, started
// in a fresh short temporary directory (/tmp/cpg-XXXXXX) before the first
// test and stopped and removed after the last, so pg tests need nothing but
// the Debian PostgreSQL package. As root, the cluster runs as the `citadel`
// system user (created if missing), exactly as `citadel serve` would.
//
// Linking the object library `citadel_db_pg_harness` registers the
// GoogleTest environment; tests reach the cluster through PgTestCluster().
// Durability is traded for speed (fsync off): test data is thrown away.
// CITADEL_PG_TEST_DURABLE=1 in the environment keeps production settings.
// The accessors are thread-safe once the environment is set up.
#pragma once

#include <string>

#include "db/embedded_cluster.hpp"

namespace citadel::db::testing {

// The running cluster. Valid between the environment's SetUp and TearDown.
EmbeddedCluster& PgTestCluster();
// The temporary data directory the cluster lives in.
const std::string& PgTestDataDir();

// Options for a throw-away cluster under `data_dir` (used by the harness, and
// by tests that need clusters of their own).
EmbeddedClusterOptions TestClusterOptions(const std::string& data_dir);
// A fresh directory /tmp/<prefix>XXXXXX that the service user can traverse.
std::string MakeTestDataDir(const std::string& prefix);

}  // namespace citadel::db::testing
