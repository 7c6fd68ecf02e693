// Options and directories for throw-away test clusters (no GoogleTest here,
// so tests that manage their own clusters can use it without the harness).
#include <cstdlib>
#include <sys/stat.h>

#include "db/testing/pg_test_cluster.hpp"

namespace citadel::db::testing {

EmbeddedClusterOptions TestClusterOptions(const std::string& data_dir) {
  EmbeddedClusterOptions o;
  o.data_dir = data_dir;
  o.max_connections = 100;
  o.start_timeout = std::chrono::seconds(60);
  // CITADEL_PG_TEST_DURABLE=1 keeps production durability (for timings).
  if (std::getenv("CITADEL_PG_TEST_DURABLE") != nullptr) return o;
  o.initdb_sync = false;
  o.extra_settings = {{"fsync", "off"},
                      {"synchronous_commit", "off"},
                      {"full_page_writes", "off"},
                      {"shared_buffers", "'32MB'"}};
  return o;
}

std::string MakeTestDataDir(const std::string& prefix) {
  std::string tmpl = "/tmp/" + prefix + "XXXXXX";
  char* made = ::mkdtemp(tmpl.data());
  if (made == nullptr) return {};
  // The service user must traverse it to reach <dir>/pg (search only).
  ::chmod(made, 0711);
  return made;
}

}  // namespace citadel::db::testing
