// The types that pipeline stages exchange. Plain structs, units in the names.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace psyface {

// The project's one emotion class order (docs/output-format.md). Every model's output is mapped to it.
enum class Emotion : int { Neutral = 0, Happy, Sad, Angry, Fearful, Disgusted, Surprised };
inline constexpr int kEmotionCount = 7;
inline constexpr std::array<std::string_view, kEmotionCount> kEmotionNames = {
    "neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised"};

// Probabilities in kEmotionNames order; sum to 1 (within float rounding).
struct EmotionProbs {
  std::array<float, kEmotionCount> p{};
  float operator[](Emotion e) const { return p[static_cast<int>(e)]; }
  float& operator[](Emotion e) { return p[static_cast<int>(e)]; }
  Emotion dominant() const {
    int best = 0;
    for (int i = 1; i < kEmotionCount; ++i)
      if (p[i] > p[best]) best = i;
    return static_cast<Emotion>(best);
  }
};

inline std::string_view emotion_name(Emotion e) { return kEmotionNames[static_cast<int>(e)]; }

}  // namespace psyface
