// Content whose every byte depends on its position and a seed, so that a
// reader can tell a whole version from a mix of two or a shifted copy.
#ifndef PERSIST_TEST_SUPPORT_BYTE_PATTERN_HPP
#define PERSIST_TEST_SUPPORT_BYTE_PATTERN_HPP

#include <cstddef>
#include <string>

namespace persist::test {

/// size letters a-z, the i-th one ('a' + (7 i + seed) % 26).
inline std::string pattern(std::size_t size, unsigned seed) {
    std::string s(size, '\0');
    for (std::size_t i = 0; i < size; ++i)
        s[i] = static_cast<char>('a' + (i * 7 + seed) % 26);
    return s;
}

}  // namespace persist::test

#endif
