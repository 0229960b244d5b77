#include "report/html_text.hpp"

#include <gtest/gtest.h>

namespace psyface::report {
namespace {

TEST(HtmlText, EscapesMarkupAndBothQuotes) {
  EXPECT_EQ(html_escape("<img src=x onerror='a&b'>\"id\""),
            "&lt;img src=x onerror=&#39;a&amp;b&#39;&gt;&quot;id&quot;");
  EXPECT_EQ(html_escape("Patient 07 / Sitzung 3"), "Patient 07 / Sitzung 3");
}

TEST(HtmlText, ScriptJsonCannotCloseItsBlockAndParsesBack) {
  const nlohmann::json v = {{"id", "</script><script>alert(1)</script>"}, {"note", "a\u2028b <!-- c & d"}};
  const std::string s = script_json(v);
  EXPECT_EQ(s.find('<'), std::string::npos);
  EXPECT_EQ(s.find('>'), std::string::npos);
  EXPECT_EQ(s.find("\xE2\x80\xA8"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(s), v);  // the \u escapes are JSON: the values read back unchanged
}

}  // namespace
}  // namespace psyface::report
