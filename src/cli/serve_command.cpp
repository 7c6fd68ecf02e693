// citadel serve: the cluster, the catalog, the demo tenant, the TLS edge, and
// the signals that stop it or reload its certificate.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <thread>

#include "cli/backup_metrics.hpp"
#include "cli/cluster_metrics.hpp"
#include "cli/backup_session.hpp"
#include "cli/cluster_session.hpp"
#include "cli/customer_backups.hpp"
#include "cli/commands.hpp"
#include "cli/demo_tenant.hpp"
#include "cli/edge_block_refresher.hpp"
#include "cli/effective_config.hpp"
#include "cli/file_store_collector.hpp"
#include "cli/installed_modules.hpp"
#include "cli/server_metrics.hpp"
#include "cli/signal_waiter.hpp"
#include "cli/switchover_drain_watcher.hpp"
#include "core/bounded_worker_pool.hpp"
#include "core/clock.hpp"
#include "core/delay_queue.hpp"
#include "core/logger.hpp"
#include "db/connection.hpp"
#include "http/https_server.hpp"
#include "http/local_certificate_authority.hpp"
#include "platform/catalog_schema.hpp"
#include "platform/login_failure_store.hpp"
#include "platform/tenant_file_stores.hpp"
#include "platform/tenant_service.hpp"
#include "rpc/rpc_routes.hpp"
#include "rpc/json2_routes.hpp"
#include "rpc/login_throttle.hpp"
#include "rpc/web_session_routes.hpp"
#include "rpc/support_routes.hpp"
#include "platform/support_access.hpp"
#include "platform/web_session_store.hpp"
#include "web/health_route.hpp"
#include "web/web_pages.hpp"
#include "web/mailed_password_reset.hpp"
#include "auth/server_secret.hpp"

namespace citadel::cli {
namespace {

// A fresh connection with a short timeout, not a pooled one: a pooled
// connection's backend can keep answering while the postmaster is gone or
// frozen, and the health check must notice that.
core::Result<void> CheckCatalog(const db::ClusterAccess& access) {
  auto connection = db::Connection::Open(access.ProvisioningDsn(platform::kCatalogDatabase),
                                         std::chrono::seconds(2));
  if (!connection) return core::Unexpected(connection.error());
  auto result = connection->Execute("SELECT 1");
  if (!result) return core::Unexpected(result.error());
  return {};
}

core::Result<http::TlsCertificateFiles> ResolveTls(const core::ServerConfig& config,
                                                   std::string& ca_path) {
  if (!config.tls_cert.empty()) return http::TlsCertificateFiles{config.tls_cert, config.tls_key};
  http::LocalCertificateAuthority ca(config.data_dir + "/tls", core::RealFileSystem::Instance(),
                                     core::SystemClock::Instance());
  std::vector<std::string> names;
  if (config.public_host != "localhost") names.push_back(config.public_host);
  auto files = ca.EnsureServerCertificate(names);
  if (!files) return core::Unexpected(files.error());
  ca_path = files->ca_cert;
  return http::TlsCertificateFiles{files->server_cert, files->server_key};
}

void PrintBanner(const core::ServerConfig& config, const http::HttpsServer& server,
                 const std::string& ca_path, const std::optional<DemoCredentials>& demo) {
  std::string base = "https://" + config.public_host + ":" + std::to_string(server.https_port());
  std::cout << "Citadel is running.\n"
            << "  URL:       " << base << "/\n";
  if (!ca_path.empty()) {
    std::cout << "  CA:        " << ca_path << "\n"
              << "  Trust the CA:\n"
              << "    curl --cacert " << ca_path << " " << base << "/web/health\n"
              << "    SSL_CERT_FILE=" << ca_path << " python3 your_script.py   (Python, curl)\n"
              << "    NODE_EXTRA_CA_CERTS=" << ca_path << " node your_script.js   (Node)\n";
  }
  if (server.metrics_port() != 0) {
    std::cout << "  Metrics:   http://" << config.metrics_listen << ":" << server.metrics_port()
              << "/metrics\n";
  }
  if (demo) {
    std::cout << "  Tenant:    " << demo->tenant << "\n"
              << "  Login:     " << demo->login << "\n"
              << "  Password:  " << demo->password << "\n"
              << "  (the demo password is shown only this once: store it now)\n";
  }
  std::cout << "Citadel is ready (Ctrl-C stops it; SIGHUP reloads the certificate)." << std::endl;
}

// Keeps citadel_postgres_up current without a query on the metrics path.
class PostgresWatcher {
 public:
  PostgresWatcher(std::shared_ptr<const db::ClusterAccess> access, std::atomic<bool>& up)
      : access_(std::move(access)), up_(up), thread_([this] { Run(); }) {}
  ~PostgresWatcher() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  void Run() {
    std::unique_lock lock(mutex_);
    while (!stop_) {
      lock.unlock();
      up_.store(CheckCatalog(*access_).has_value());
      lock.lock();
      wake_.wait_for(lock, std::chrono::seconds(5), [this] { return stop_; });
    }
  }
  std::shared_ptr<const db::ClusterAccess> access_;
  std::atomic<bool>& up_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

int RunServe(const ServeCommand& command) {
  // Before any thread exists, so that only the main thread takes signals.
  SignalWaiter::Block();

  auto loaded = LoadEffectiveConfig(command.common, core::RealFileSystem::Instance());
  if (!loaded) return ReportFailure(loaded.error());
  core::ServerConfig config = std::move(*loaded);
  ApplyServeFlags(command, config);
  if (auto level = core::ParseLogLevel(config.log_level)) core::Log().SetLevel(*level);
  if (config.tls_cert.empty() != config.tls_key.empty()) {
    std::cerr << "citadel: --tls-cert and --tls-key go together\n";
    return 2;
  }
  auto& log = core::Log();
  log.StartBuffering();  // the access log, per request, off the I/O threads' path
  log.Info("starting", {{"data_dir", config.data_dir},
                        {"cluster", config.database.pg_dsn.empty() ? "embedded" : "external"}});

  auto session = ClusterSession::Open(config, ClusterSession::Purpose::kServe);
  if (!session) return ReportFailure(session.error());
  auto access = (*session)->access();

  auto installed = LoadInstalledModules();
  if (!installed) return ReportFailure(installed.error());
  // Every pooled connection passes this gate: a planned switchover pauses
  // and drains them (cli/switchover_drain_watcher.hpp).
  auto acquire_gate = std::make_shared<db::AcquireGate>();
  auto tenant_options = TenantOptions(config, *installed);
  tenant_options.acquire_gate = acquire_gate;
  auto opened = platform::TenantService::Open(access, std::move(tenant_options));
  if (!opened) return ReportFailure(opened.error());
  std::unique_ptr<platform::TenantService> tenants = std::move(*opened);

  auto demo = EnsureDemoTenantOnFirstStart(config.data_dir, *tenants);
  if (!demo) return ReportFailure(demo.error());

  std::string ca_path;
  auto tls = ResolveTls(config, ca_path);
  if (!tls) return ReportFailure(tls.error());

  auto backups = platform::BackupService::Open(*tenants, BackupOptions(config));
  if (!backups) return ReportFailure(backups.error());

  std::atomic<bool> postgres_up{true};
  rpc::ObjectCallCounters object_call_counters;  // before the registry that renders it
  rpc::OneStatementCalls one_statement_calls;     // learned per process, lost on restart
  auto metrics = std::make_shared<http::MetricsRegistry>();
  AddServerMetrics(*metrics, *tenants, postgres_up);
  AddObjectCallMetrics(*metrics, object_call_counters);
  auto cluster_watcher = WatchClusterForMetrics(config, *metrics);  // HA only (docs/ha.md)
  auto switchover_drain = WatchForSwitchoverDrain(config, access, acquire_gate, *tenants);  // HA only

  // Calls run one per core at once: more only compete for the same cores,
  // each woken at a cost (core/bounded_worker_pool.hpp, pacing).
  core::WorkerPacing db_pacing;
  db_pacing.running = config.database.workers_running > 0
                          ? static_cast<std::size_t>(config.database.workers_running)
                          : std::max(1u, std::thread::hardware_concurrency());
  db_pacing.longest_wait = std::chrono::milliseconds(config.database.worker_wait_ms);
  core::BoundedWorkerPool db_workers("db", static_cast<std::size_t>(config.database.worker_threads),
                                     static_cast<std::size_t>(config.database.worker_queue), 0, db_pacing);
  AddWorkerPoolMetrics(*metrics, db_workers);  // rendered only while the server below runs
  http::Router router;
  web::AddHealthRoute(router, db_workers, [access, &postgres_up]() {
    auto outcome = CheckCatalog(*access);
    postgres_up.store(outcome.has_value());
    return outcome;
  });
  // Declared after db_workers: hashing callbacks submit to it, so hashing
  // drains first; db_workers.Shutdown() below runs before either is destroyed.
  // By default one core is left to request handling and PostgreSQL: with a
  // hashing thread on every core, a storm of sign-ins tripled other users'
  // p99 on 2 cores even at nice +10 (tests/e2e/login_storm_e2e.py).
  const std::size_t hash_threads =
      config.hash_threads > 0 ? static_cast<std::size_t>(config.hash_threads)
                              : std::max(1u, std::thread::hardware_concurrency() - 1);
  core::PasswordHashingService hashing(config.pbkdf2_rounds, hash_threads,
                                       static_cast<std::size_t>(config.hash_queue));
  rpc::CredentialCache credentials;
  auto tenant_directory = rpc::MakePlatformTenantDirectory(*tenants);
  platform::WebSessionOptions session_options;
  session_options.max_inactivity = std::chrono::hours(config.session_idle_hours);
  session_options.max_age = std::chrono::hours(config.session_max_age_hours);
  platform::WebSessionStore web_sessions(*tenants, session_options);
  orm::SecurityCaches security_caches;
  // Each tenant's file store, sealed under its key (unwrapped with the
  // master key the backups use).
  const platform::BackupServiceOptions backup_options = BackupOptions(config);
  platform::TenantFileStores file_stores(
      {backup_options.file_store_root, backup_options.key_directory, {}, std::chrono::seconds(10),
       [&backups] { return (*backups)->master(); }},
      (*backups)->master());
  platform::LoginFailureStore login_failures(
      *tenants, platform::EdgeBlockPolicy{config.limits.edge_block_failures,
                                          std::chrono::seconds(config.limits.edge_block_window_seconds),
                                          std::chrono::seconds(config.limits.edge_block_first_seconds),
                                          std::chrono::seconds(config.limits.edge_block_max_seconds)});
  // Declared before the pools' users: a delayed sign-in submits to them.
  core::DelayQueue sign_in_delays(static_cast<std::size_t>(config.database.worker_queue));
  rpc::LoginThrottle throttle(login_failures, sign_in_delays);
  // Support staff, grants and the audit (docs/support_access.md).
  platform::SupportAccess support_access(*tenants, {config.support_staff_may_open_grants});
  rpc::RpcServices rpc_services{*tenant_directory, (*installed)->registry, db_workers, hashing,
                                credentials, rpc::RpcServiceOptions{config.list_db, config.tenant_domain}, &web_sessions,
                                &security_caches, &throttle, &file_stores};
  rpc::AddRpcRoutes(router, rpc_services);
  rpc_services.support = &support_access;
  rpc_services.object_counters = &object_call_counters;
  rpc_services.one_statement_calls = &one_statement_calls;
  rpc::AddWebSessionRoutes(router, rpc_services);
  rpc::AddSupportRoutes(router, rpc_services);
  rpc::AddJson2Routes(router, rpc_services);

  // The browser pages (web/web_pages.hpp): their tokens are signed with the
  // server secret kept beside role-password-key, outside every tenant.
  auto web_secret = auth::ServerSecret::LoadOrCreate(core::RealFileSystem::Instance(), config.data_dir);
  if (!web_secret) return ReportFailure(web_secret.error());
  auto page_templates = web::PageTemplates::LoadEmbedded();
  if (!page_templates) return ReportFailure(page_templates.error());
  const auth::CsrfTokens csrf_tokens(web_secret->KeyFor("csrf"));
  const auth::ResetTokenSigner reset_tokens(web_secret->KeyFor("password-reset"));
  const auth::ResetTokenSigner second_factor_tickets(web_secret->KeyFor("second-factor"));
  auth::ResetTokenLedger reset_ledger(*tenants);
  auth::ResetMailQuota reset_quota(*tenants);
  core::MailOutbox mail_outbox(config.mail);
  const web::FormGuard form_guard(csrf_tokens, *page_templates);
  web::WebPageOptions page_options;
  page_options.tenant_domain = config.tenant_domain;
  page_options.mail_from = config.mail.from;
  page_options.link_base_url =
      !config.mail.link_base_url.empty()
          ? config.mail.link_base_url
          : "https://" + config.public_host + (config.https_port == 443 ? "" : ":" + std::to_string(config.https_port));
  web::WebPageServices web_pages{rpc_services, *page_templates, form_guard, reset_tokens, reset_ledger,
                                 reset_quota, mail_outbox, page_options, &second_factor_tickets};
  web::AddWebPages(router, web_pages);
  // The tenants' own backups: citadel.backup's desks and GET /web/backup/<id>.
  CustomerBackups customer_backups(config, *web_secret, **backups, *tenants, rpc_services, router);
  // res.users.action_reset_password mails through the same pages' code.
  modules::base::SetPasswordResetDelivery(std::make_shared<web::MailedPasswordReset>(
      web_pages, *tenants, std::chrono::seconds(config.mail.timeout_seconds + 5)));

  int exit_code = 0;
  {
    PostgresWatcher watcher(access, postgres_up);
    auto blocked_sources = std::make_shared<http::EdgeBlockList>(config.limits.allow);
    EdgeBlockRefresher edge_blocks(login_failures, blocked_sources);
    // Daily backups, spread over the window; stopping waits for one running.
    std::optional<platform::BackupScheduler> backup_scheduler;
    if (config.backup.scheduled) {
      platform::BackupSchedulerOptions schedule;
      schedule.window = {config.backup.window_start_hour, config.backup.window_hours};
      schedule.retention = RetentionPlansOf(config);
      backup_scheduler.emplace(**backups, schedule, log);
      AddBackupMetrics(*metrics, *backup_scheduler);
    }
    // Daily removal of files no binary column refers to any more.
    FileStoreCollector file_store_collector(*tenants, file_stores, (*installed)->registry);
    http::HttpsServerOptions server_options;
    server_options.blocked_sources = blocked_sources;
    http::HttpsServer server(config, std::move(router), metrics, *tls, server_options);
    if (auto started = server.Start(); !started) {
      exit_code = ReportFailure(started.error());
    } else {
      PrintBanner(config, server, ca_path, *demo);
      log.Info("ready", {{"https_port", server.https_port()}, {"http_port", server.http_port()},
                         {"metrics_port", server.metrics_port()}});
      // Daily, the local CA renews a server certificate near its end; SIGHUP
      // reloads at once (an operator's renewed files, or the local CA's).
      const bool local_ca = config.tls_cert.empty();
      for (;;) {
        ProcessSignal event = SignalWaiter::Wait(std::chrono::hours(24));
        if (event == ProcessSignal::kStop) break;
        if (event == ProcessSignal::kTimeout && !local_ca) continue;
        if (local_ca) {
          std::string unused_ca_path;
          if (auto renewed = ResolveTls(config, unused_ca_path); !renewed) {
            log.Error("local CA could not check the server certificate",
                      {{"error", renewed.error().message}});
            continue;
          }
        }
        auto reloaded = server.ReloadTls();
        if (reloaded) {
          log.Info("TLS certificate reloaded");
        } else {
          log.Error("TLS certificate reload failed; the old one stays",
                    {{"error", reloaded.error().message}});
        }
      }
      log.Info("stopping");
      server.Stop();
    }
    db_workers.Shutdown();
  }
  modules::base::SetPasswordResetDelivery(nullptr);
  backups->reset();
  tenants.reset();
  session->reset();  // stops the embedded PostgreSQL, then releases the lock
  log.Info("stopped", {{"exit_code", exit_code}});
  return exit_code;
}

}  // namespace citadel::cli
