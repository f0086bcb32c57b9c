namespace Strata.Client.History;

/// <summary>S3's key order: UTF-8 bytes, which is code point order (UTF-16 ordinal differs above U+FFFF).</summary>
public static class Utf8Order
{
    /// <summary>Negative when <paramref name="a"/> lists before <paramref name="b"/>, zero when equal, positive after.</summary>
    public static int Compare(string a, string b)
    {
        var left = a.EnumerateRunes();
        var right = b.EnumerateRunes();
        while (true)
        {
            var hasLeft = left.MoveNext();
            var hasRight = right.MoveNext();
            if (!hasLeft || !hasRight) return hasLeft ? 1 : hasRight ? -1 : 0;
            var order = left.Current.Value.CompareTo(right.Current.Value);
            if (order != 0) return order;
        }
    }
}
