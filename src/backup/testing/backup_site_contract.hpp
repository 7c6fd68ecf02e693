// The contract every kind of site passes (backup_site.hpp): one parametrized
// GoogleTest suite, instantiated once per kind with a factory that makes a
// fresh, empty site. Link backup_site_contract.cpp into the test binary and
// write, for example:
//   INSTANTIATE_TEST_SUITE_P(Local, BackupSiteContract,
//                            ::testing::Values(SiteFactory{"local", MakeMySite}));
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "backup/backup_site.hpp"

namespace citadel::backup::testing {

struct SiteFactory {
  std::string name;
  std::function<std::unique_ptr<BackupSite>()> make;
};

inline std::string PrintToString(const SiteFactory& factory) { return factory.name; }
inline void PrintTo(const SiteFactory& factory, std::ostream* out) { *out << factory.name; }

class BackupSiteContract : public ::testing::TestWithParam<SiteFactory> {
 protected:
  void SetUp() override { site_ = GetParam().make(); }
  BackupSite& site() { return *site_; }

 private:
  std::unique_ptr<BackupSite> site_;
};

}  // namespace citadel::backup::testing
