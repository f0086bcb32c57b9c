using Strata.AspNetCore.Storage;

namespace Strata.AspNetCore.Tests;

public sealed class StorageNameRules
{
    [Theory]
    [InlineData("a.txt")]
    [InlineData("photos/2026/cat.jpg")]
    [InlineData(".env")]
    [InlineData("a..b/c...d.txt")]
    [InlineData("été/naïve café.png")]
    public void Relative_names_are_accepted_as_they_are(string name) => Assert.Equal(name, StorageName.Validate(name));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("/a.txt", "absolute")]
    [InlineData("c:/a.txt", "absolute")]
    [InlineData("..", "'..'")]
    [InlineData("a/../../b", "'..'")]
    [InlineData("a/./b", "'.'")]
    [InlineData("a//b", "empty folder")]
    [InlineData("a/", "empty folder")]
    [InlineData("a\\b", "backslash")]
    [InlineData("a\0b", "control character")]
    public void Names_that_could_escape_or_confuse_are_refused_with_the_reason(string name, string reason)
    {
        var error = Assert.Throws<StorageNameException>(() => StorageName.Validate(name));
        Assert.Contains(reason, error.Message);
        Assert.Equal(name, error.Name);
    }

    [Theory]
    [InlineData("cat.jpg", @"^cat_[A-Za-z0-9]{7}\.jpg$")]
    [InlineData("docs/report.tar.gz", @"^docs/report_[A-Za-z0-9]{7}\.tar\.gz$")]
    [InlineData("README", @"^README_[A-Za-z0-9]{7}$")]
    [InlineData("conf/.env", @"^conf/\.env_[A-Za-z0-9]{7}$")]
    public void The_alternative_name_puts_the_suffix_before_the_extensions_as_Django_does(string name, string pattern) =>
        Assert.Matches(pattern, StorageName.Alternative(name));
}
