using System.Text;

namespace FastMask.Masking.Tests.Detection.Validators;

internal static class ValidatorTestText
{
    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
