// <persist/persist.hpp> alone is enough for every public name: the front
// door and all three stores compile and work with nothing else included.
#include <persist/persist.hpp>

#include <boost/describe/class.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <string>

namespace persist::test::one_include {

struct window {
    int width = 0;
};
BOOST_DESCRIBE_STRUCT(window, (), (width))

BOOST_AUTO_TEST_SUITE(persist_hpp)

BOOST_AUTO_TEST_CASE(the_one_include_reaches_the_front_door_and_every_store) {
    // No test support: this file uses what a program has, and nothing else.
    std::string pattern = (std::filesystem::temp_directory_path() / "persist-hpp-XXXXXX").string();
    BOOST_TEST_REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    std::filesystem::path const dir = pattern;

    BOOST_TEST_REQUIRE(write_file(dir / "plain.txt", "hello").has_value());
    BOOST_TEST(read_file(dir / "plain.txt").value() == "hello");

    settings_store settings(dir / "global.json", dir / "local.json");
    BOOST_TEST_REQUIRE(settings.set(settings_scope::local, "/ui/scale", 2).has_value());
    BOOST_TEST(settings.get("/ui/scale").value() == boost::json::value(2));

    state_file<window> state(dir / "state.json");
    BOOST_TEST_REQUIRE(state.save(window{800}).has_value());
    BOOST_TEST(state.load().value().state.width == 800);

    auto log = jsonl_log::open(dir / "log.jsonl");
    BOOST_TEST_REQUIRE(log.has_value());
    BOOST_TEST_REQUIRE(log->append(boost::json::value{{"event", "start"}}).has_value());

    std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test::one_include
