namespace TransitGrains.PortSimulator;

/// <summary>ISO 6346 container numbers: owner code, category U, six-digit serial, check digit.</summary>
public static class ContainerNumbers
{
    // Owner codes of carriers and lessors seen at Nansha.
    private static readonly string[] Owners = ["CBHU", "CSNU", "FCIU", "OOLU", "EGHU", "CMAU", "TGHU", "TCNU", "SEGU", "TEMU"];

    /// <summary>Weighted sum of the first ten characters (letters A=10 upwards, skipping 11, 22, 33), mod 11, mod 10.</summary>
    public static int CheckDigit(string firstTen)
    {
        var sum = 0;
        for (var i = 0; i < 10; i++)
        {
            var c = firstTen[i];
            var value = char.IsDigit(c) ? c - '0' : 10 + (c - 'A');
            if (!char.IsDigit(c))
            {
                value += (value - 1) / 10; // skip the multiples of 11 already passed
            }

            sum += value << i;
        }

        return sum % 11 % 10;
    }

    public static bool IsValid(string number) =>
        number.Length == 11 && number[..4].All(char.IsAsciiLetterUpper) && number[3] is 'U' or 'J' or 'Z'
        && number[4..].All(char.IsAsciiDigit) && CheckDigit(number) == number[10] - '0';

    /// <summary>A valid number not in <paramref name="used"/> (which it joins).</summary>
    public static string Next(Random random, ISet<string> used)
    {
        while (true)
        {
            var firstTen = $"{Owners[random.Next(Owners.Length)]}{random.Next(1_000_000):D6}";
            var number = firstTen + CheckDigit(firstTen);
            if (used.Add(number))
            {
                return number;
            }
        }
    }
}
