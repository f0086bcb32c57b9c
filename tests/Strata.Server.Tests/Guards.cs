using Strata.Core;
using Strata.Server.Errors;

namespace Strata.Server.Tests;

public sealed class Guards
{
    [Fact]
    public void Every_error_code_has_an_HTTP_status()
    {
        var missing = Enum.GetValues<StrataError>().Where(e => !S3ErrorMap.Status.ContainsKey(e)).ToList();
        Assert.Empty(missing);
    }
}
