#include "model/version.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace ws2sim::model {

std::string WinsockVersion::ToString() const { return absl::StrCat(major, ".", minor); }

ProviderAnswer AnswerStartup(WinsockVersion requested, VersionRange provider) {
  if (requested < provider.low) return ProviderAnswer{};
  return ProviderAnswer{true, std::min(provider.high, requested), provider.high};
}

Negotiation NegotiateStartup(const std::vector<WinsockVersion>& dll_versions,
                             VersionRange provider) {
  Negotiation n;
  n.requested = *std::max_element(dll_versions.begin(), dll_versions.end());
  n.answer = AnswerStartup(n.requested, provider);
  if (!n.answer.supported) {
    n.outcome = Negotiation::Outcome::kProviderRefused;
    return n;
  }
  const bool usable = std::find(dll_versions.begin(), dll_versions.end(), n.answer.version) !=
                      dll_versions.end();
  n.outcome = usable ? Negotiation::Outcome::kUse : Negotiation::Outcome::kDllRejects;
  n.cleanup_called = !usable;
  return n;
}

}  // namespace ws2sim::model
