// The services of a real `citadel serve`'s RPC layer, without HTTP, for
// security tests that attack execute_kw and the sign-in paths on real
// tenants: the installed modules (base, contacts), a TenantService on the pg
// harness's cluster (PBKDF2 at 1,000 rounds), the tenant directory, a db
// worker pool, a hashing pool, a credential cache, and RpcServices over
// them; Dispatch runs one call through rpc::DispatchRpc and waits for it.
//
//   static RpcTestServices* services = RpcTestServices::Open({"acme"}).release();
//   rpc::RpcOutcome outcome = services->Dispatch("object", "execute_kw", params);
//
// Made once per test binary (SetUpTestSuite) and never destroyed: the pools'
// threads may still hold it when the binary ends. Tenants are made with
// admin "admin" and password kRpcTestAdminPassword.
#pragma once

#include <future>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/installed_modules.hpp"
#include "db/testing/pg_test_cluster.hpp"
#include "rpc/rpc_services.hpp"

namespace citadel::testing {

inline constexpr const char* kRpcTestAdminPassword = "a long admin password";

struct RpcTestServices {
  std::shared_ptr<const cli::InstalledModuleSet> installed;
  std::unique_ptr<platform::TenantService> tenants;
  std::unique_ptr<rpc::TenantDirectory> directory;
  std::unique_ptr<core::BoundedWorkerPool> workers;
  std::unique_ptr<core::PasswordHashingService> hashing;
  std::unique_ptr<rpc::CredentialCache> credentials;
  std::unique_ptr<rpc::RpcServices> services;

  // nullptr after a gtest failure (reported).
  static std::unique_ptr<RpcTestServices> Open(const std::vector<std::string>& tenant_names) {
    auto made = std::make_unique<RpcTestServices>();
    auto installed = cli::LoadInstalledModules();
    if (!installed) {
      ADD_FAILURE() << installed.error().message;
      return nullptr;
    }
    made->installed = *installed;
    platform::TenantServiceOptions options;
    options.data_dir = db::testing::PgTestDataDir();
    options.pbkdf2_rounds = 1000;
    options.modules = cli::ModuleHooks(made->installed);
    auto service = platform::TenantService::Open(db::testing::PgTestCluster().Access(), options);
    if (!service) {
      ADD_FAILURE() << service.error().message;
      return nullptr;
    }
    made->tenants = std::move(*service);
    for (const std::string& name : tenant_names) {
      auto tenant = made->tenants->Create({name, "admin", kRpcTestAdminPassword});
      if (!tenant) {
        ADD_FAILURE() << tenant.error().message;
        return nullptr;
      }
    }
    made->directory = rpc::MakePlatformTenantDirectory(*made->tenants);
    made->workers = std::make_unique<core::BoundedWorkerPool>("db", 2, 64);
    made->hashing = std::make_unique<core::PasswordHashingService>(1000, 1, 64);
    made->credentials = std::make_unique<rpc::CredentialCache>();
    made->services = std::make_unique<rpc::RpcServices>(rpc::RpcServices{*made->directory,
                                                                         made->installed->registry,
                                                                         *made->workers,
                                                                         *made->hashing,
                                                                         *made->credentials,
                                                                         {}});
    return made;
  }

  // One call of `service`.`method`, as a client at `source` sends it.
  rpc::RpcOutcome Dispatch(const std::string& service, const std::string& method, orm::Value params,
                           const std::string& source = "192.0.2.10") {
    std::promise<rpc::RpcOutcome> answer;
    rpc::DispatchRpc(*services, rpc::RpcCall{service, method, std::move(params), "test", source},
                     [&answer](rpc::RpcOutcome o) { answer.set_value(std::move(o)); });
    return answer.get_future().get();
  }
};

}  // namespace citadel::testing
