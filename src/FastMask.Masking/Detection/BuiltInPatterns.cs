using System.Text.RegularExpressions;

namespace FastMask.Masking.Detection;

/// <summary>
/// The expressions of the built-in detectors, each written once and used by both engines: Hyperscan compiles
/// the string, the .NET engine uses the source-generated <see cref="Regex"/> beside it.
/// </summary>
/// <remarks>
/// Every expression stays in the subset both engines share and match identically (see <see cref="PatternSpec"/>):
/// explicit ASCII classes, no lookarounds, and alternatives or repeats arranged so that the first match .NET's
/// backtracking finds is also the longest one, which is what Hyperscan reports. Where a suffix is optional but a
/// validator could reject the longer form, the suffix is a separate pattern instead, so a rejected long match
/// cannot hide a valid short one. Word edges are left to <see cref="PatternSpec.LeftBoundary"/> and
/// <see cref="PatternSpec.RightBoundary"/>. Long tails are unbounded (<c>{40,}</c>) rather than capped
/// (<c>{40,250}</c>): Hyperscan refuses large bounded repeats when it tracks the start of match, and the
/// boundary and validator settle where a token ends.
/// </remarks>
internal static partial class BuiltInPatterns
{
    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    // Separator-free month names keep the alternation unambiguous: no name is a prefix of another.
    private const string MonthName = "([Jj]an|[Ff]eb|[Mm]ar|[Aa]pr|[Mm]ay|[Jj]un|[Jj]ul|[Aa]ug|[Ss]ep|[Oo]ct|[Nn]ov|[Dd]ec)[a-z]{0,6}";

    // ---- EMAIL_ADDRESS ----
    public const string Email = @"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}";

    // ---- CREDIT_CARD: issuer prefixes 2-6 (Mastercard 2-series and 5, Amex/Diners/JCB 3, Visa 4, Discover/UnionPay 6) ----
    public const string CardCompact = "[2-6][0-9]{12,18}";
    public const string CardGrouped16 = @"[2-6][0-9]{3}[ \-][0-9]{4}[ \-][0-9]{4}[ \-][0-9]{4}";
    public const string CardGrouped19 = @"[2-6][0-9]{3}[ \-][0-9]{4}[ \-][0-9]{4}[ \-][0-9]{4}[ \-][0-9]{3}";
    public const string CardAmex = @"3[47][0-9]{2}[ \-][0-9]{6}[ \-][0-9]{5}";
    public const string CardDiners = @"3[0689][0-9]{2}[ \-][0-9]{6}[ \-][0-9]{4}";

    // ---- US_SSN ----
    public const string SsnDashed = "[0-9]{3}-[0-9]{2}-[0-9]{4}";
    public const string SsnSpaced = "[0-9]{3} [0-9]{2} [0-9]{4}";
    public const string SsnBare = "[0-9]{9}";

    // ---- IBAN_CODE: 15 to 34 characters; grouped form is blocks of four separated by single spaces ----
    public const string IbanCompact = "[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}";
    public const string IbanGrouped = "[A-Z]{2}[0-9]{2}( [A-Z0-9]{4}){2,7}( [A-Z0-9]{1,3})?";

    // ---- PHONE_NUMBER ----
    public const string PhoneE164 = @"\+[1-9][0-9]{7,14}";
    public const string PhoneE164Spaced = @"\+[1-9][0-9]{0,2} [0-9]{6,14}";
    public const string PhoneInternational = @"\+[1-9][0-9]{0,2}[ .\-]?(\([0-9]{1,4}\)[ .\-]?)?[0-9]{1,5}([ .\-][0-9]{2,8}){1,5}";
    public const string PhoneNanp = @"(1[ .\-]?)?(\([2-9][0-9]{2}\)[ .\-]?|[2-9][0-9]{2}[ .\-])[2-9][0-9]{2}[ .\-][0-9]{4}";
    public const string PhoneUk = @"0[1-9][0-9]{1,3}[ \-][0-9]{3,4}[ \-]?[0-9]{3,4}";

    // ---- IP_ADDRESS: candidates; the validator parses them ----
    // Three or four dots: a fifth part makes the candidate a version string the validator rejects, and decimals
    // such as 12.50 never become candidates (an unbounded repeat ends a candidate at every digit after a dot).
    public const string IpV4 = @"[0-9]{1,3}(\.[0-9]{1,3}){3,4}";
    public const string IpV6 = @"[0-9A-Fa-f]{0,4}(:[0-9A-Fa-f]{0,4}){2,8}((\.[0-9]{1,3}){3})?";

    // ---- MAC_ADDRESS ----
    public const string MacSeparated = @"[0-9A-Fa-f]{2}([:\-][0-9A-Fa-f]{2}){5}";
    public const string MacCisco = @"[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}";

    // ---- US_BANK_ROUTING: Federal Reserve prefixes 00-12, 21-32, 61-72, 80 start with 0-3 or 6-8 ----
    public const string AbaRouting = "[0-36-8][0-9]{8}";

    // ---- CRYPTO_WALLET ----
    // 25 bytes in Base58 take 33 or 34 characters unless the hash starts with zero bytes; the narrow width keeps
    // candidates rare in base64 blobs, where runs of Base58 characters are common.
    public const string BitcoinBase58 = "[13][1-9A-HJ-NP-Za-km-z]{32,33}";
    public const string BitcoinBech32 = "bc1[ac-hj-np-z02-9]{11,87}";
    public const string BitcoinBech32Upper = "BC1[AC-HJ-NP-Z02-9]{11,87}";
    public const string Ethereum = "0x[0-9A-Fa-f]{40}";

    // ---- UK_NHS ----
    public const string NhsSpaced = "[0-9]{3} [0-9]{3} [0-9]{4}";
    public const string NhsDashed = "[0-9]{3}-[0-9]{3}-[0-9]{4}";
    public const string NhsCompact = "[0-9]{10}";

    // ---- URL_WITH_CREDENTIALS: scheme://user:password@host[:port]; '@' is in neither user nor password ----
    public const string UrlWithCredentials =
        @"[A-Za-z][A-Za-z0-9+.\-]{0,30}://[A-Za-z0-9._~%!$&'()*+,;=\-]+:[A-Za-z0-9._~%!$&'()*+,;=:\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*(:[0-9]{1,5})?";

    // ---- Cloud and API credentials ----
    public const string AwsAccessKey = "(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}";
    public const string AwsSecretKey = "[A-Za-z0-9/+=]{40}";
    public const string GitHubToken = "gh[pousr]_[A-Za-z0-9]{36,}";
    public const string GitHubFineGrainedToken = "github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}";
    public const string OpenAiLegacyKey = "sk-[A-Za-z0-9]{48}";
    public const string OpenAiProjectKey = @"sk-(proj|svcacct|admin|None)-[A-Za-z0-9_\-]{40,}";
    public const string SlackToken = @"xox[abprs]-[0-9]{1,16}-[A-Za-z0-9\-]{8,}";

    // ---- JWT: header and payload are base64url JSON objects ('{"' encodes to eyJ); the signature may be empty ----
    public const string Jwt = @"eyJ[A-Za-z0-9_\-]{2,}\.[A-Za-z0-9_\-]{2,}\.[A-Za-z0-9_\-]*";

    // ---- PRIVATE_KEY: a hyphen inside the body only before a letter or digit (Proc-Type, AES-256-CBC), so the
    // body stops at the dashes of the END line; without an END line the rest of the block is taken. ----
    public const string PrivateKey =
        @"-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----([A-Za-z0-9+/=:,. \t\r\n]|-[A-Za-z0-9])*(-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----)?";

    // ---- DATE_OF_BIRTH in text (context keywords required): ISO, US/European numeric and month-name forms ----
    public const string DateIso = @"[12][0-9]{3}[\-/.][0-1]?[0-9][\-/.][0-3]?[0-9]";
    public const string DateNumeric = @"[0-3]?[0-9][\-/.][0-3]?[0-9][\-/.][12][0-9]{3}";
    public const string DateMonthFirst = MonthName + @"\.? [0-3]?[0-9],? [12][0-9]{3}";
    public const string DateDayFirst = "[0-3]?[0-9] " + MonthName + @"\.?,? [12][0-9]{3}";

    [GeneratedRegex(Email, Options)]
    internal static partial Regex EmailRegex();

    [GeneratedRegex(CardCompact, Options)]
    internal static partial Regex CardCompactRegex();

    [GeneratedRegex(CardGrouped16, Options)]
    internal static partial Regex CardGrouped16Regex();

    [GeneratedRegex(CardGrouped19, Options)]
    internal static partial Regex CardGrouped19Regex();

    [GeneratedRegex(CardAmex, Options)]
    internal static partial Regex CardAmexRegex();

    [GeneratedRegex(CardDiners, Options)]
    internal static partial Regex CardDinersRegex();

    [GeneratedRegex(SsnDashed, Options)]
    internal static partial Regex SsnDashedRegex();

    [GeneratedRegex(SsnSpaced, Options)]
    internal static partial Regex SsnSpacedRegex();

    [GeneratedRegex(SsnBare, Options)]
    internal static partial Regex SsnBareRegex();

    [GeneratedRegex(IbanCompact, Options)]
    internal static partial Regex IbanCompactRegex();

    [GeneratedRegex(IbanGrouped, Options)]
    internal static partial Regex IbanGroupedRegex();

    [GeneratedRegex(PhoneE164, Options)]
    internal static partial Regex PhoneE164Regex();

    [GeneratedRegex(PhoneE164Spaced, Options)]
    internal static partial Regex PhoneE164SpacedRegex();

    [GeneratedRegex(PhoneInternational, Options)]
    internal static partial Regex PhoneInternationalRegex();

    [GeneratedRegex(PhoneNanp, Options)]
    internal static partial Regex PhoneNanpRegex();

    [GeneratedRegex(PhoneUk, Options)]
    internal static partial Regex PhoneUkRegex();

    [GeneratedRegex(IpV4, Options)]
    internal static partial Regex IpV4Regex();

    [GeneratedRegex(IpV6, Options)]
    internal static partial Regex IpV6Regex();

    [GeneratedRegex(MacSeparated, Options)]
    internal static partial Regex MacSeparatedRegex();

    [GeneratedRegex(MacCisco, Options)]
    internal static partial Regex MacCiscoRegex();

    [GeneratedRegex(AbaRouting, Options)]
    internal static partial Regex AbaRoutingRegex();

    [GeneratedRegex(BitcoinBase58, Options)]
    internal static partial Regex BitcoinBase58Regex();

    [GeneratedRegex(BitcoinBech32, Options)]
    internal static partial Regex BitcoinBech32Regex();

    [GeneratedRegex(BitcoinBech32Upper, Options)]
    internal static partial Regex BitcoinBech32UpperRegex();

    [GeneratedRegex(Ethereum, Options)]
    internal static partial Regex EthereumRegex();

    [GeneratedRegex(NhsSpaced, Options)]
    internal static partial Regex NhsSpacedRegex();

    [GeneratedRegex(NhsDashed, Options)]
    internal static partial Regex NhsDashedRegex();

    [GeneratedRegex(NhsCompact, Options)]
    internal static partial Regex NhsCompactRegex();

    [GeneratedRegex(UrlWithCredentials, Options)]
    internal static partial Regex UrlWithCredentialsRegex();

    [GeneratedRegex(AwsAccessKey, Options)]
    internal static partial Regex AwsAccessKeyRegex();

    [GeneratedRegex(AwsSecretKey, Options)]
    internal static partial Regex AwsSecretKeyRegex();

    [GeneratedRegex(GitHubToken, Options)]
    internal static partial Regex GitHubTokenRegex();

    [GeneratedRegex(GitHubFineGrainedToken, Options)]
    internal static partial Regex GitHubFineGrainedTokenRegex();

    [GeneratedRegex(OpenAiLegacyKey, Options)]
    internal static partial Regex OpenAiLegacyKeyRegex();

    [GeneratedRegex(OpenAiProjectKey, Options)]
    internal static partial Regex OpenAiProjectKeyRegex();

    [GeneratedRegex(SlackToken, Options)]
    internal static partial Regex SlackTokenRegex();

    [GeneratedRegex(Jwt, Options)]
    internal static partial Regex JwtRegex();

    [GeneratedRegex(PrivateKey, Options)]
    internal static partial Regex PrivateKeyRegex();

    [GeneratedRegex(DateIso, Options)]
    internal static partial Regex DateIsoRegex();

    [GeneratedRegex(DateNumeric, Options)]
    internal static partial Regex DateNumericRegex();

    [GeneratedRegex(DateMonthFirst, Options)]
    internal static partial Regex DateMonthFirstRegex();

    [GeneratedRegex(DateDayFirst, Options)]
    internal static partial Regex DateDayFirstRegex();
}
