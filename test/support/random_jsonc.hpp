// Random settings-like JSON values, and JSONC texts of them in random
// styles (indentation, line endings, comments, trailing or leading commas,
// a byte-order mark): the documents of json_edit's property test.
#ifndef PERSIST_TEST_SUPPORT_RANDOM_JSONC_HPP
#define PERSIST_TEST_SUPPORT_RANDOM_JSONC_HPP

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace persist::test {

namespace json = boost::json;

/// How a random document is written.
struct document_style {
    std::string_view unit = "  ";
    std::string_view eol = "\n";
    bool trailing_commas = false;
    bool comments = false;
    bool bom = false;
    bool leading_commas = false;  ///< "\n, " before members, not "," after
    /// Strict JSON, which every edit must keep.
    bool strict() const { return !trailing_commas && !comments && !bom; }
};

/// Random settings-like values, and JSONC texts of them in a random style.
class random_documents {
public:
    explicit random_documents(unsigned seed) : rng_(seed) {}

    bool chance(unsigned percent) {
        return std::uniform_int_distribution<unsigned>(0, 99)(rng_) < percent;
    }
    std::size_t below(std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
    }

    json::value value(int depth) {
        if (depth > 0 && chance(35)) {
            if (chance(50)) {
                json::object object;
                for (std::size_t i = below(4); i > 0; --i)
                    object[key()] = value(depth - 1);
                return object;
            }
            json::array array;
            for (std::size_t i = below(4); i > 0; --i)
                array.push_back(value(depth - 1));
            return array;
        }
        switch (below(6)) {
            case 0: return static_cast<std::int64_t>(below(200)) - 100;
            case 1: return static_cast<double>(below(64)) / 8;  // 0.125, 2.5: short and exact
            case 2: return json::string(strings_[below(std::size(strings_))]);
            case 3: return chance(50);
            case 4: return nullptr;
            default: return json::string("v" + std::to_string(below(100)));
        }
    }

    std::string key() { return "k" + std::to_string(below(8)) + (chance(10) ? " a/b" : ""); }

    document_style style() {
        document_style style;
        style.unit = std::array<std::string_view, 3>{"  ", "    ", "\t"}[below(3)];
        style.eol = chance(30) ? "\r\n" : "\n";
        style.trailing_commas = chance(30);
        style.comments = chance(60);
        style.bom = chance(10);
        style.leading_commas = !style.trailing_commas && chance(15);
        return style;
    }

    std::string text(json::value const& v, document_style const& style) {
        std::string out = style.bom ? "\xEF\xBB\xBF" : "";
        if (style.comments) out.append("// settings").append(style.eol);
        render(out, v, style, "");
        out.append(style.eol);
        return out;
    }

private:
    void render(std::string& out, json::value const& v, document_style const& style,
                std::string const& indent) {
        auto const* object = v.if_object();
        auto const* array = v.if_array();
        if (object == nullptr && array == nullptr) {
            out += json::serialize(v);
            return;
        }
        std::size_t const size = object != nullptr ? object->size() : array->size();
        out += object != nullptr ? '{' : '[';
        if (size == 0) {
            out += style.comments && chance(30) ? " /* empty */ " : "";
        } else if (chance(20)) {
            render_inline(out, v, style, indent);
        } else {
            auto const inner = indent + std::string(style.unit);
            for (std::size_t i = 0; i < size; ++i) {
                out += style.eol;
                if (style.comments && chance(25))
                    out.append(inner).append("// about it").append(style.eol);
                if (!style.comments && chance(10)) out += style.eol;  // a blank line
                out += i > 0 && style.leading_commas ? indent + ", " : inner;
                if (style.comments && chance(10)) out += "/* before */ ";
                render_member(out, v, i, style, inner);
                if (!style.leading_commas && (i + 1 < size || style.trailing_commas)) out += ',';
                if (style.comments && chance(25)) out += " // note";
            }
            out.append(style.eol).append(indent);
        }
        out += object != nullptr ? '}' : ']';
    }

    void render_inline(std::string& out, json::value const& v, document_style const& style,
                       std::string const& indent) {
        std::size_t const size = v.is_object() ? v.get_object().size() : v.get_array().size();
        for (std::size_t i = 0; i < size; ++i) {
            out += i > 0 ? ", " : "";
            render_member(out, v, i, style, indent);
        }
        if (style.trailing_commas && chance(50)) out += ',';
    }

    void render_member(std::string& out, json::value const& v, std::size_t i,
                       document_style const& style, std::string const& indent) {
        if (auto const* object = v.if_object()) {
            auto const& member = *(object->begin() + i);
            out.append(json::serialize(json::value(member.key()))).append(": ");
            render(out, member.value(), style, indent);
        } else {
            render(out, v.get_array()[i], style, indent);
        }
    }

    std::mt19937 rng_;
    static constexpr char const* strings_[] = {
        "", "a b", "q\"uote", "caf\xc3\xa9", "//not a comment", "/*"};
};

}  // namespace persist::test

#endif
