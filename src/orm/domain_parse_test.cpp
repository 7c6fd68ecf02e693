#include "orm/domain.hpp"
#include <gtest/gtest.h>
TEST(DomainParseTest, Placeholder) {}
