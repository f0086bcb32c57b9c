namespace Strata.Testing;

/// <summary>One edit of a byte string, as a fuzzer makes them; kept as values so CsCheck can shrink a failing list.</summary>
public readonly record struct Mutation(int Kind, int At, int Length, int Value)
{
    public const int Kinds = 8;

    /// <summary>A random edit, for tests that draw their own cases (the fuzz properties draw them with CsCheck).</summary>
    public static Mutation Random(Random random) => new(random.Next(Kinds), random.Next(), random.Next(1, 25), random.Next());

    /// <summary>
    /// Applies the edits in order: flip bits of a byte, overwrite one with a byte of a token, insert a token,
    /// delete a range, duplicate a range, truncate, insert a random byte, swap two ranges' order.
    /// <paramref name="tokens"/> are the target's own framing words, which random bytes would rarely hit.
    /// </summary>
    public static byte[] Apply(byte[] input, IReadOnlyList<Mutation> mutations, IReadOnlyList<byte[]> tokens)
    {
        var data = new List<byte>(input);
        foreach (var m in mutations)
        {
            var at = data.Count == 0 ? 0 : m.At % (data.Count + 1);
            var token = tokens[m.Value % tokens.Count];
            var length = Math.Min(m.Length, data.Count - Math.Min(at, data.Count));
            switch (m.Kind)
            {
                case 0 when at < data.Count:
                    data[at] ^= (byte)(1 << (m.Value % 8));
                    break;
                case 1 when at < data.Count:
                    data[at] = token[m.Length % token.Length];
                    break;
                case 2:
                    data.InsertRange(at, token);
                    break;
                case 3:
                    data.RemoveRange(at, length);
                    break;
                case 4:
                    data.InsertRange(at, data.GetRange(at, length));
                    break;
                case 5:
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 6:
                    data.Insert(at, (byte)m.Value);
                    break;
                case 7 when length > 0 && at + 2 * length <= data.Count:
                    var first = data.GetRange(at, length);
                    data.RemoveRange(at, length);
                    data.InsertRange(at + length, first);
                    break;
            }
        }
        return [.. data];
    }
}
