#include "web/tenant_of_request.hpp"

#include <gtest/gtest.h>

namespace citadel::web {
namespace {

TEST(TenantOfRequest, TheDbFieldWinsWhenItIsATenantName) {
  EXPECT_EQ(TenantOfRequest("acme", std::string("other.erp.example.com"), "erp.example.com"), "acme");
  EXPECT_EQ(TenantOfRequest("acme", std::nullopt, ""), "acme");
}

TEST(TenantOfRequest, TheHostNamesTheTenantUnderTheDomain) {
  EXPECT_EQ(TenantOfRequest("", std::string("acme.erp.example.com"), "erp.example.com"), "acme");
  EXPECT_EQ(TenantOfRequest("", std::string("ACME.Erp.Example.com:8443"), "erp.example.com"), "acme");
  EXPECT_TRUE(HostNamesTenant(std::string("acme.erp.example.com"), "erp.example.com"));
  // No domain configured, another domain, two labels, the bare domain, IPv6.
  EXPECT_EQ(TenantOfRequest("", std::string("acme.erp.example.com"), ""), "");
  EXPECT_EQ(TenantOfRequest("", std::string("acme.example.org"), "erp.example.com"), "");
  EXPECT_EQ(TenantOfRequest("", std::string("a.b.erp.example.com"), "erp.example.com"), "");
  EXPECT_EQ(TenantOfRequest("", std::string("erp.example.com"), "erp.example.com"), "");
  EXPECT_EQ(TenantOfRequest("", std::string("[::1]:8443"), "erp.example.com"), "");
  EXPECT_FALSE(HostNamesTenant(std::string("localhost:8443"), "erp.example.com"));
}

TEST(TenantOfRequest, WhatIsNotATenantNameIsNeverUsedOrShown) {
  // A db field that could break out of a link or a page is treated as absent.
  EXPECT_EQ(TenantOfRequest("acme&token=x", std::nullopt, ""), "");
  EXPECT_EQ(TenantOfRequest("\"><script>", std::nullopt, ""), "");
  EXPECT_EQ(TenantOfRequest("Acme", std::nullopt, ""), "");
  EXPECT_EQ(TenantOfRequest("bad name", std::string("acme.erp.example.com"), "erp.example.com"), "acme");
  EXPECT_EQ(TenantOfRequest("", std::string("x_y.erp.example.com"), "erp.example.com"), "");
}

}  // namespace
}  // namespace citadel::web
