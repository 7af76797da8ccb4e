namespace Simulator.Core.Identity;

/// <summary>The Luhn (mod 10) check digit used by IMEIs (3GPP TS 23.003 §B.2) and ICCIDs (ITU-T E.118).</summary>
internal static class Luhn
{
    /// <summary>Check digit for a string of decimal digits that does not yet carry one.</summary>
    public static int ComputeCheckDigit(ReadOnlySpan<char> digitsWithoutCheck)
    {
        var sum = 0;
        var doubleIt = true; // the rightmost payload digit is doubled
        for (var i = digitsWithoutCheck.Length - 1; i >= 0; i--)
        {
            var d = digitsWithoutCheck[i] - '0';
            if ((uint)d > 9)
            {
                throw new ArgumentException("only decimal digits are allowed", nameof(digitsWithoutCheck));
            }

            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return (10 - (sum % 10)) % 10;
    }

    /// <summary>True when the last digit is the Luhn check digit of the others.</summary>
    public static bool IsValid(ReadOnlySpan<char> digits)
    {
        if (digits.Length < 2)
        {
            return false;
        }

        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return ComputeCheckDigit(digits[..^1]) == digits[^1] - '0';
    }
}
