using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace FastMask.Masking.Detection;

/// <summary>
/// A built-in entity type: the text patterns that detect it (possibly none) and the normalised field names
/// (see <see cref="BuiltInEntities.NormalizeFieldName"/>) whose values are that entity whatever they contain.
/// </summary>
public sealed record BuiltInEntity(string Name, ImmutableArray<PatternSpec> Patterns, ImmutableArray<string> FieldNames);

/// <summary>The entity types FastMask detects without configuration.</summary>
public static class BuiltInEntities
{
    private static readonly string[] s_ssnContext = ["ssn", "social security", "social sec", "soc sec", "ss#", "ss no", "taxpayer"];
    private static readonly string[] s_routingContext = ["routing", "aba", "rtn", "transit"];
    private static readonly string[] s_awsSecretContext = ["aws", "secret"];
    private static readonly string[] s_nhsContext = ["nhs"];
    private static readonly string[] s_birthContext = ["born", "dob", "d.o.b", "date of birth", "birth date", "birthdate", "birthday", "date_of_birth"];

    private static readonly FrozenDictionary<string, BuiltInEntity> s_byName;

    static BuiltInEntities()
    {
        All =
        [
            // Ordered most specific first: on two matches with the same span, the entity declared first wins.
            Entity("PRIVATE_KEY", [Spec(BuiltInPatterns.PrivateKey, BuiltInPatterns.PrivateKeyRegex)], "privatekey", "sshprivatekey"),
            Entity(
                "JWT",
                [Spec(BuiltInPatterns.Jwt, BuiltInPatterns.JwtRegex, BoundaryClass.Token, BoundaryClass.Token, ValidatorKind.Jwt)]),
            Entity(
                "URL_WITH_CREDENTIALS",
                [Spec(BuiltInPatterns.UrlWithCredentials, BuiltInPatterns.UrlWithCredentialsRegex, BoundaryClass.None, BoundaryClass.Digit, ValidatorKind.UrlWithCredentials)],
                "connectionstring", "databaseurl"),
            Entity(
                "AWS_ACCESS_KEY",
                [Spec(BuiltInPatterns.AwsAccessKey, BuiltInPatterns.AwsAccessKeyRegex, BoundaryClass.AlphaNumeric, BoundaryClass.AlphaNumeric)],
                "awsaccesskeyid", "accesskeyid"),
            Entity(
                "GITHUB_TOKEN",
                [
                    Spec(BuiltInPatterns.GitHubToken, BuiltInPatterns.GitHubTokenRegex, BoundaryClass.Token, BoundaryClass.Word),
                    Spec(BuiltInPatterns.GitHubFineGrainedToken, BuiltInPatterns.GitHubFineGrainedTokenRegex, BoundaryClass.Token, BoundaryClass.Word),
                ],
                "githubtoken"),
            Entity(
                "OPENAI_API_KEY",
                [
                    Spec(BuiltInPatterns.OpenAiProjectKey, BuiltInPatterns.OpenAiProjectKeyRegex, BoundaryClass.Token, BoundaryClass.Token),
                    Spec(BuiltInPatterns.OpenAiLegacyKey, BuiltInPatterns.OpenAiLegacyKeyRegex, BoundaryClass.Token, BoundaryClass.Token),
                ],
                "openaiapikey"),
            Entity(
                "SLACK_TOKEN",
                [Spec(BuiltInPatterns.SlackToken, BuiltInPatterns.SlackTokenRegex, BoundaryClass.Token, BoundaryClass.Token)],
                "slacktoken"),
            Entity(
                "AWS_SECRET_KEY",
                [Spec(BuiltInPatterns.AwsSecretKey, BuiltInPatterns.AwsSecretKeyRegex, BoundaryClass.AlphaNumeric, BoundaryClass.AlphaNumeric, ValidatorKind.AwsSecretKey, s_awsSecretContext)],
                "awssecretaccesskey", "secretaccesskey", "awssecretkey"),
            Entity(
                "CRYPTO_WALLET",
                [
                    Spec(BuiltInPatterns.BitcoinBech32, BuiltInPatterns.BitcoinBech32Regex, BoundaryClass.AlphaNumeric, BoundaryClass.AlphaNumeric, ValidatorKind.CryptoWallet),
                    Spec(BuiltInPatterns.BitcoinBech32Upper, BuiltInPatterns.BitcoinBech32UpperRegex, BoundaryClass.AlphaNumeric, BoundaryClass.AlphaNumeric, ValidatorKind.CryptoWallet),
                    Spec(BuiltInPatterns.BitcoinBase58, BuiltInPatterns.BitcoinBase58Regex, BoundaryClass.AlphaNumeric, BoundaryClass.AlphaNumeric, ValidatorKind.CryptoWallet),
                    Spec(BuiltInPatterns.Ethereum, BuiltInPatterns.EthereumRegex, BoundaryClass.AlphaNumeric, BoundaryClass.AlphaNumeric, ValidatorKind.CryptoWallet),
                ],
                "walletaddress", "bitcoinaddress", "btcaddress", "ethaddress", "ethereumaddress", "cryptowallet"),
            Entity(
                "EMAIL_ADDRESS",
                [Spec(BuiltInPatterns.Email, BuiltInPatterns.EmailRegex, BoundaryClass.None, BoundaryClass.AlphaNumeric, ValidatorKind.Email)],
                "email", "emailaddress", "useremail", "contactemail"),
            Entity(
                "IBAN_CODE",
                [
                    Spec(BuiltInPatterns.IbanCompact, BuiltInPatterns.IbanCompactRegex, BoundaryClass.AlphaNumeric, BoundaryClass.AlphaNumeric, ValidatorKind.Iban),
                    Spec(BuiltInPatterns.IbanGrouped, BuiltInPatterns.IbanGroupedRegex, BoundaryClass.AlphaNumeric, BoundaryClass.AlphaNumeric, ValidatorKind.Iban),
                ],
                "iban", "ibancode", "ibannumber"),
            Entity(
                "CREDIT_CARD",
                [
                    Spec(BuiltInPatterns.CardCompact, BuiltInPatterns.CardCompactRegex, BoundaryClass.AlphaNumeric, BoundaryClass.AlphaNumeric, ValidatorKind.Luhn),
                    Spec(BuiltInPatterns.CardGrouped19, BuiltInPatterns.CardGrouped19Regex, BoundaryClass.AlphaNumeric, BoundaryClass.AlphaNumeric, ValidatorKind.Luhn),
                    Spec(BuiltInPatterns.CardGrouped16, BuiltInPatterns.CardGrouped16Regex, BoundaryClass.AlphaNumeric, BoundaryClass.AlphaNumeric, ValidatorKind.Luhn),
                    Spec(BuiltInPatterns.CardAmex, BuiltInPatterns.CardAmexRegex, BoundaryClass.AlphaNumeric, BoundaryClass.AlphaNumeric, ValidatorKind.Luhn),
                    Spec(BuiltInPatterns.CardDiners, BuiltInPatterns.CardDinersRegex, BoundaryClass.AlphaNumeric, BoundaryClass.AlphaNumeric, ValidatorKind.Luhn),
                ],
                "cardnumber", "creditcard", "creditcardnumber", "ccnumber", "cardno", "ccnum"),
            Entity(
                "US_BANK_ROUTING",
                [Spec(BuiltInPatterns.AbaRouting, BuiltInPatterns.AbaRoutingRegex, BoundaryClass.AlphaNumeric, BoundaryClass.AlphaNumeric, ValidatorKind.AbaRouting, s_routingContext)],
                "routingnumber", "abaroutingnumber", "abanumber", "routingtransitnumber"),
            Entity(
                "US_SSN",
                [
                    Spec(BuiltInPatterns.SsnDashed, BuiltInPatterns.SsnDashedRegex, BoundaryClass.Token, BoundaryClass.Token, ValidatorKind.UsSsn),
                    Spec(BuiltInPatterns.SsnSpaced, BuiltInPatterns.SsnSpacedRegex, BoundaryClass.AlphaNumeric, BoundaryClass.AlphaNumeric, ValidatorKind.UsSsn),
                    Spec(BuiltInPatterns.SsnBare, BuiltInPatterns.SsnBareRegex, BoundaryClass.AlphaNumeric, BoundaryClass.AlphaNumeric, ValidatorKind.UsSsn, s_ssnContext),
                ],
                "ssn", "socialsecuritynumber", "socialsecurity", "socialsecurityno", "usssn"),
            Entity(
                "UK_NHS",
                [
                    Spec(BuiltInPatterns.NhsSpaced, BuiltInPatterns.NhsSpacedRegex, BoundaryClass.AlphaNumeric, BoundaryClass.AlphaNumeric, ValidatorKind.UkNhs),
                    Spec(BuiltInPatterns.NhsDashed, BuiltInPatterns.NhsDashedRegex, BoundaryClass.Token, BoundaryClass.Token, ValidatorKind.UkNhs),
                    Spec(BuiltInPatterns.NhsCompact, BuiltInPatterns.NhsCompactRegex, BoundaryClass.AlphaNumeric, BoundaryClass.AlphaNumeric, ValidatorKind.UkNhs, s_nhsContext),
                ],
                "nhsnumber", "nhsno", "nhs"),
            Entity(
                "DATE_OF_BIRTH",
                [
                    Spec(BuiltInPatterns.DateIso, BuiltInPatterns.DateIsoRegex, BoundaryClass.AlphaNumeric, BoundaryClass.AlphaNumeric, ValidatorKind.DateOfBirth, s_birthContext, 40),
                    Spec(BuiltInPatterns.DateNumeric, BuiltInPatterns.DateNumericRegex, BoundaryClass.AlphaNumeric, BoundaryClass.AlphaNumeric, ValidatorKind.DateOfBirth, s_birthContext, 40),
                    Spec(BuiltInPatterns.DateMonthFirst, BuiltInPatterns.DateMonthFirstRegex, BoundaryClass.AlphaNumeric, BoundaryClass.AlphaNumeric, ValidatorKind.DateOfBirth, s_birthContext, 40),
                    Spec(BuiltInPatterns.DateDayFirst, BuiltInPatterns.DateDayFirstRegex, BoundaryClass.AlphaNumeric, BoundaryClass.AlphaNumeric, ValidatorKind.DateOfBirth, s_birthContext, 40),
                ],
                "dob", "dateofbirth", "birthdate", "birthday", "dateofbirthutc", "birthdateutc", "dobutc", "birthdt"),
            Entity(
                "IP_ADDRESS",
                [
                    Spec(BuiltInPatterns.IpV4, BuiltInPatterns.IpV4Regex, BoundaryClass.AlphaNumeric, BoundaryClass.AlphaNumeric, ValidatorKind.IpAddress),
                    Spec(BuiltInPatterns.IpV6, BuiltInPatterns.IpV6Regex, BoundaryClass.AlphaNumeric, BoundaryClass.AlphaNumeric, ValidatorKind.IpAddress),
                ],
                "ipaddress", "ip", "clientip", "sourceip", "remoteip", "remoteaddr", "ipv4", "ipv6"),
            Entity(
                "MAC_ADDRESS",
                [
                    Spec(BuiltInPatterns.MacSeparated, BuiltInPatterns.MacSeparatedRegex, BoundaryClass.AlphaNumeric, BoundaryClass.AlphaNumeric, ValidatorKind.MacAddress),
                    Spec(BuiltInPatterns.MacCisco, BuiltInPatterns.MacCiscoRegex, BoundaryClass.AlphaNumeric, BoundaryClass.AlphaNumeric, ValidatorKind.MacAddress),
                ],
                "macaddress"),
            Entity(
                "PHONE_NUMBER",
                [
                    Spec(BuiltInPatterns.PhoneE164, BuiltInPatterns.PhoneE164Regex, BoundaryClass.None, BoundaryClass.AlphaNumeric, ValidatorKind.PhoneNumber),
                    Spec(BuiltInPatterns.PhoneE164Spaced, BuiltInPatterns.PhoneE164SpacedRegex, BoundaryClass.None, BoundaryClass.AlphaNumeric, ValidatorKind.PhoneNumber),
                    Spec(BuiltInPatterns.PhoneInternational, BuiltInPatterns.PhoneInternationalRegex, BoundaryClass.None, BoundaryClass.AlphaNumeric, ValidatorKind.PhoneNumber),
                    Spec(BuiltInPatterns.PhoneNanp, BuiltInPatterns.PhoneNanpRegex, BoundaryClass.Token, BoundaryClass.Token, ValidatorKind.PhoneNumber),
                    Spec(BuiltInPatterns.PhoneUk, BuiltInPatterns.PhoneUkRegex, BoundaryClass.Token, BoundaryClass.AlphaNumeric, ValidatorKind.PhoneNumber),
                ],
                "phone", "phonenumber", "telephone", "telephonenumber", "tel", "mobile", "mobilenumber", "mobilephone", "cellphone", "fax"),

            // PERSON has no text patterns: names in free text are not reliably told apart from other words.
            // "name" alone is left out on purpose: OpenAI requests use it for function and tool names.
            Entity(
                "PERSON",
                [],
                "firstname", "lastname", "fullname", "givenname", "familyname", "surname", "middlename", "customername",
                "patientname", "maidenname", "mothersmaidenname", "legalname", "contactname", "employeename",
                "cardholdername", "cardholder", "accountholdername", "accountholder", "forename", "personname"),
        ];

        var byName = new Dictionary<string, BuiltInEntity>(StringComparer.Ordinal);
        foreach (var entity in All)
        {
            byName.Add(entity.Name, entity);
        }

        s_byName = byName.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Every built-in entity, most specific first (the order decides ties between equal spans).</summary>
    public static ImmutableArray<BuiltInEntity> All { get; }

    public static bool TryGet(string name, [NotNullWhen(true)] out BuiltInEntity? entity) => s_byName.TryGetValue(name, out entity);

    /// <summary>
    /// Lower-cases ASCII letters and drops <c>_</c>, <c>-</c> and spaces, so <c>date_of_birth</c>,
    /// <c>dateOfBirth</c> and <c>Date-Of-Birth</c> all become <c>dateofbirth</c>.
    /// </summary>
    public static string NormalizeFieldName(ReadOnlySpan<char> name)
    {
        Span<char> buffer = name.Length <= 128 ? stackalloc char[name.Length] : new char[name.Length];
        var length = 0;
        foreach (var c in name)
        {
            if (c is '_' or '-' or ' ')
            {
                continue;
            }

            buffer[length++] = c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c;
        }

        return new string(buffer[..length]);
    }

    private static BuiltInEntity Entity(string name, PatternSpec[] patterns, params string[] fieldNames) =>
        new(name, ImmutableArray.Create(patterns), ImmutableArray.Create(fieldNames));

    private static PatternSpec Spec(
        string expression,
        Func<Regex> generated,
        BoundaryClass left = BoundaryClass.None,
        BoundaryClass right = BoundaryClass.None,
        ValidatorKind validator = ValidatorKind.None,
        string[]? context = null,
        int contextWindow = 64) =>
        new(expression)
        {
            Generated = generated,
            LeftBoundary = left,
            RightBoundary = right,
            Validator = validator,
            ContextKeywords = context,
            ContextWindow = contextWindow,
        };
}
