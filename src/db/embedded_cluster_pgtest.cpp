// EmbeddedCluster's life: first and second start, no TCP, private socket,
// restart after a crash, a postmaster orphaned by a killed Citadel, and the
// stale postmaster.pid left when everything was killed. Each test has its
// own clusters (no shared harness): they are what is under test.
#include "db/embedded_cluster.hpp"

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

#include "db/connection.hpp"
#include "db/postmaster_process.hpp"
#include "db/testing/pg_test_cluster.hpp"

namespace citadel::db {
namespace {

constexpr const char* kChildEnv = "CITADEL_TEST_CHILD_DATA_DIR";

class TempDir {
 public:
  TempDir() : path_(testing::MakeTestDataDir("cec-")) {}
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

bool WaitFor(const std::function<bool()>& condition, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return condition();
}

bool CanQuery(const EmbeddedCluster& cluster) {
  auto conn = Connection::Open(cluster.SuperuserDsn("postgres"), std::chrono::seconds(2));
  return conn && conn->Execute("SELECT 1").has_value();
}

// Inodes of TCP sockets in LISTEN state (IPv4 and IPv6).
std::set<std::string> ListeningTcpInodes() {
  std::set<std::string> inodes;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string sl, local, remote, state, queues, timer, retr, uid, timeout, inode;
      fields >> sl >> local >> remote >> state >> queues >> timer >> retr >> uid >> timeout >> inode;
      if (state == "0A") inodes.insert(inode);
    }
  }
  return inodes;
}

// Starts a cluster in a child process (this binary, re-executed) and returns
// the child's pid once the cluster answers: killing that child is how a
// `kill -9` of Citadel is simulated.
pid_t StartClusterInChildProcess(const std::string& data_dir) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setenv(kChildEnv, data_dir.c_str(), 1);
    const char* argv[] = {"/proc/self/exe", "--gtest_filter=EmbeddedClusterChild.RunUntilKilled",
                          nullptr};
    ::execv(argv[0], const_cast<char* const*>(argv));
    ::_exit(127);
  }
  const std::string ready = data_dir + "/child-ready";
  EXPECT_TRUE(WaitFor([&] { return std::filesystem::exists(ready); }, std::chrono::seconds(60)));
  return pid;
}

// Not a test on its own: the body of the child process above.
TEST(EmbeddedClusterChild, RunUntilKilled) {
  const char* dir = std::getenv(kChildEnv);
  if (dir == nullptr) GTEST_SKIP() << "runs only as the child of another test";
  auto* cluster = new EmbeddedCluster(testing::TestClusterOptions(dir));  // never stopped
  ASSERT_TRUE(cluster->Start());
  std::ofstream(std::string(dir) + "/child-ready") << "ready\n";
  for (;;) ::pause();
}

TEST(EmbeddedCluster, FirstStartRunsInitdbSecondDoesNot) {
  TempDir dir;
  {
    EmbeddedCluster cluster(testing::TestClusterOptions(dir.path()));
    auto first = cluster.Start();
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_TRUE(first->ran_initdb);
    ASSERT_TRUE(CanQuery(cluster));
    auto conn = Connection::Open(cluster.SuperuserDsn("postgres"));
    ASSERT_TRUE(conn);
    ASSERT_TRUE(conn->Execute("CREATE DATABASE kept_across_restarts"));
    ASSERT_TRUE(cluster.Stop());
    EXPECT_FALSE(cluster.IsRunning());
    EXPECT_FALSE(ProcessAlive(first->postmaster_pid));
  }
  EmbeddedCluster again(testing::TestClusterOptions(dir.path()));
  auto second = again.Start();
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_FALSE(second->ran_initdb);
  EXPECT_TRUE(Connection::Open(again.SuperuserDsn("kept_across_restarts")).has_value());
}

TEST(EmbeddedCluster, ListensOnNoTcpPortAndSocketDirIsPrivate) {
  TempDir dir;
  EmbeddedCluster cluster(testing::TestClusterOptions(dir.path()));
  auto started = cluster.Start();
  ASSERT_TRUE(started) << started.error().message;
  auto conn = Connection::Open(cluster.SuperuserDsn("postgres"));
  ASSERT_TRUE(conn);
  auto listen = conn->Execute("SHOW listen_addresses");
  ASSERT_TRUE(listen);
  EXPECT_EQ(listen->Get(0, 0), "");
  // No descriptor of the postmaster is a listening TCP socket.
  const auto listening = ListeningTcpInodes();
  const std::string fd_dir = "/proc/" + std::to_string(started->postmaster_pid) + "/fd";
  int sockets = 0;
  for (const auto& entry : std::filesystem::directory_iterator(fd_dir)) {
    std::error_code ec;
    const std::string target = std::filesystem::read_symlink(entry.path(), ec).string();
    if (!target.starts_with("socket:[")) continue;
    ++sockets;
    const std::string inode = target.substr(8, target.size() - 9);
    EXPECT_EQ(listening.count(inode), 0u) << "postmaster listens on TCP (inode " << inode << ")";
  }
  EXPECT_GT(sockets, 0);  // it does have its Unix socket: the check looked at something
  struct stat st{};
  ASSERT_EQ(::stat(cluster.SocketDirectory().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  struct stat data{};
  ASSERT_EQ(::stat(cluster.layout().pgdata.c_str(), &data), 0);
  EXPECT_EQ(data.st_mode & 07777, 0700u);
  EXPECT_EQ(st.st_uid, data.st_uid);  // both the service user's
  if (::geteuid() == 0) {
    EXPECT_NE(data.st_uid, 0u) << "PostgreSQL must not run as root";
  }
}

TEST(EmbeddedCluster, LongDataDirUsesShortSocketDirectory) {
  TempDir dir;
  const std::string deep = dir.path() + "/" + std::string(60, 'd') + "/" + std::string(40, 'e');
  std::filesystem::create_directories(deep);
  for (std::filesystem::path p = deep; p.string().size() > dir.path().size(); p = p.parent_path()) {
    ::chmod(p.c_str(), 0711);
  }
  EmbeddedCluster cluster(testing::TestClusterOptions(deep));
  auto started = cluster.Start();
  ASSERT_TRUE(started) << started.error().message;
  EXPECT_TRUE(cluster.SocketDirectory().starts_with("/tmp/citadel-"));
  EXPECT_TRUE(CanQuery(cluster));
  struct stat st{};
  ASSERT_EQ(::stat(cluster.SocketDirectory().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  ASSERT_TRUE(cluster.Stop());
  std::error_code ec;
  std::filesystem::remove_all(cluster.SocketDirectory(), ec);
}

TEST(EmbeddedCluster, SupervisorRestartsAKilledPostmaster) {
  TempDir dir;
  EmbeddedCluster cluster(testing::TestClusterOptions(dir.path()));
  auto started = cluster.Start();
  ASSERT_TRUE(started) << started.error().message;
  const pid_t first = started->postmaster_pid;
  ASSERT_EQ(::kill(first, SIGKILL), 0);
  EXPECT_TRUE(WaitFor([&] { return cluster.restart_count() >= 1 && CanQuery(cluster); },
                      std::chrono::seconds(30)));
  EXPECT_NE(cluster.PostmasterPid(), first);
  EXPECT_TRUE(cluster.IsRunning());
}

TEST(EmbeddedCluster, OrphanedPostmasterIsStoppedAndReplacedOnNextStart) {
  TempDir dir;
  const pid_t citadel = StartClusterInChildProcess(dir.path());
  ASSERT_GT(citadel, 0);
  const auto orphan = ReadPostmasterPid(dir.path() + "/pg/data");
  ASSERT_TRUE(orphan);
  ::kill(citadel, SIGKILL);
  ::waitpid(citadel, nullptr, 0);
  ASSERT_TRUE(ProcessAlive(*orphan)) << "the postmaster should outlive a kill -9 of Citadel";
  EXPECT_EQ(MatchPostmaster(*orphan, dir.path() + "/pg/data"), PostmasterMatch::kOurs);

  EmbeddedCluster cluster(testing::TestClusterOptions(dir.path()));
  auto started = cluster.Start();
  ASSERT_TRUE(started) << started.error().message;
  EXPECT_FALSE(started->ran_initdb);
  ASSERT_TRUE(started->stopped_orphan.has_value());
  EXPECT_EQ(*started->stopped_orphan, *orphan);
  EXPECT_FALSE(ProcessAlive(*orphan));
  EXPECT_NE(started->postmaster_pid, *orphan);
  EXPECT_TRUE(CanQuery(cluster));
}

TEST(EmbeddedCluster, StalePidFileAfterKillingEverythingIsRecovered) {
  TempDir dir;
  const pid_t citadel = StartClusterInChildProcess(dir.path());
  ASSERT_GT(citadel, 0);
  const auto postmaster = ReadPostmasterPid(dir.path() + "/pg/data");
  ASSERT_TRUE(postmaster);
  ::kill(citadel, SIGKILL);
  ::waitpid(citadel, nullptr, 0);
  ::kill(*postmaster, SIGKILL);
  ASSERT_TRUE(WaitFor([&] { return !ProcessAlive(*postmaster); }, std::chrono::seconds(10)));
  ASSERT_TRUE(std::filesystem::exists(dir.path() + "/pg/data/postmaster.pid"));

  EmbeddedCluster cluster(testing::TestClusterOptions(dir.path()));
  auto started = cluster.Start();
  ASSERT_TRUE(started) << started.error().message;
  EXPECT_FALSE(started->ran_initdb);
  EXPECT_FALSE(started->stopped_orphan.has_value());
  EXPECT_TRUE(CanQuery(cluster));
}

}  // namespace
}  // namespace citadel::db
