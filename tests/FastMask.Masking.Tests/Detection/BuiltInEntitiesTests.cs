using FastMask.Masking.Detection;

namespace FastMask.Masking.Tests.Detection;

public class BuiltInEntitiesTests
{
    private const string PemBody =
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n" +
        "MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\n" +
        "NMoSfm76oqFvAp8Gy0iz5sxjZmSnXyCdPEovGhLa0VzMaQ8s+CLOyS56YyCFGeJZ\n";

    [Theory]
    [InlineData("EMAIL_ADDRESS", "Contact me at jane.doe@example.com please.", "jane.doe@example.com")]
    [InlineData("EMAIL_ADDRESS", "cc: first+tag@sub.mail.example.co.uk", "first+tag@sub.mail.example.co.uk")]
    [InlineData("EMAIL_ADDRESS", "From: <bob_smith99@corp-mail.io>", "bob_smith99@corp-mail.io")]
    [InlineData("CREDIT_CARD", "card 4111111111111111 exp 12/27", "4111111111111111")]
    [InlineData("CREDIT_CARD", "Visa 4111 1111 1111 1111.", "4111 1111 1111 1111")]
    [InlineData("CREDIT_CARD", "pay with 5500-0055-5555-5559 today", "5500-0055-5555-5559")]
    [InlineData("CREDIT_CARD", "amex 3782 822463 10005 ok", "3782 822463 10005")]
    [InlineData("CREDIT_CARD", "amex 378282246310005 ok", "378282246310005")]
    [InlineData("CREDIT_CARD", "diners 3056 930902 5904", "3056 930902 5904")]
    [InlineData("CREDIT_CARD", "discover 6011111111111117", "6011111111111117")]
    [InlineData("CREDIT_CARD", "mastercard 2223003122003222", "2223003122003222")]
    [InlineData("CREDIT_CARD", "long 4000 0000 0000 0000 006 card", "4000 0000 0000 0000 006")]
    [InlineData("CREDIT_CARD", "unionpay 621234567890123457", "621234567890123457")]
    [InlineData("US_SSN", "My SSN is 123-45-6789.", "123-45-6789")]
    [InlineData("US_SSN", "ssn 536 22 8041", "536 22 8041")]
    [InlineData("US_SSN", "social security number: 536228041", "536228041")]
    [InlineData("US_SSN", "SSN#536228041", "536228041")]
    [InlineData("IBAN_CODE", "IBAN DE89 3704 0044 0532 0130 00 for the transfer", "DE89 3704 0044 0532 0130 00")]
    [InlineData("IBAN_CODE", "send to GB82WEST12345698765432.", "GB82WEST12345698765432")]
    [InlineData("IBAN_CODE", "FR14 2004 1010 0505 0001 3M02 606", "FR14 2004 1010 0505 0001 3M02 606")]
    [InlineData("IBAN_CODE", "Norway NO9386011117947", "NO9386011117947")]
    [InlineData("IBAN_CODE", "Malta MT84MALT011000012345MTLCAST001S!", "MT84MALT011000012345MTLCAST001S")]
    [InlineData("IBAN_CODE", "LC55 HEMM 0001 0001 0012 0012 0002 3015", "LC55 HEMM 0001 0001 0012 0012 0002 3015")]
    [InlineData("IBAN_CODE", "RU0204452560040702810412345678901", "RU0204452560040702810412345678901")]
    [InlineData("PHONE_NUMBER", "Call +14155550132 now", "+14155550132")]
    [InlineData("PHONE_NUMBER", "Call +1 415 555 0132 now", "+1 415 555 0132")]
    [InlineData("PHONE_NUMBER", "Call +1 4155550132 now", "+1 4155550132")]
    [InlineData("PHONE_NUMBER", "London office +44 20 7946 0018.", "+44 20 7946 0018")]
    [InlineData("PHONE_NUMBER", "mobile +44 7700 900123", "+44 7700 900123")]
    [InlineData("PHONE_NUMBER", "Berlin +49 30 12345678", "+49 30 12345678")]
    [InlineData("PHONE_NUMBER", "Paris +33 1 23 45 67 89", "+33 1 23 45 67 89")]
    [InlineData("PHONE_NUMBER", "US +1 (415) 555-0132", "+1 (415) 555-0132")]
    [InlineData("PHONE_NUMBER", "ring (415) 555-0132 after 5", "(415) 555-0132")]
    [InlineData("PHONE_NUMBER", "ring 415-555-0132 after 5", "415-555-0132")]
    [InlineData("PHONE_NUMBER", "ring 415.555.0132 after 5", "415.555.0132")]
    [InlineData("PHONE_NUMBER", "toll free 1-800-555-0199", "1-800-555-0199")]
    [InlineData("PHONE_NUMBER", "UK landline 020 7946 0018", "020 7946 0018")]
    [InlineData("PHONE_NUMBER", "UK mobile 07700 900123", "07700 900123")]
    [InlineData("PHONE_NUMBER", "Manchester 0161 496 0000", "0161 496 0000")]
    [InlineData("IP_ADDRESS", "server at 192.168.1.20 is down", "192.168.1.20")]
    [InlineData("IP_ADDRESS", "ping 8.8.8.8.", "8.8.8.8")]
    [InlineData("IP_ADDRESS", "host 2001:db8::1 answers", "2001:db8::1")]
    [InlineData("IP_ADDRESS", "link-local fe80::1ff:fe23:4567:890a", "fe80::1ff:fe23:4567:890a")]
    [InlineData("IP_ADDRESS", "mapped ::ffff:192.0.2.128 here", "::ffff:192.0.2.128")]
    [InlineData("IP_ADDRESS", "full 2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:0db8:85a3:0000:0000:8a2e:0370:7334")]
    [InlineData("IP_ADDRESS", "url https://[2001:db8::8a2e:370:7334]:443/", "2001:db8::8a2e:370:7334")]
    [InlineData("MAC_ADDRESS", "nic 00:1A:2B:3C:4D:5E up", "00:1A:2B:3C:4D:5E")]
    [InlineData("MAC_ADDRESS", "nic 00-1a-2b-3c-4d-5e up", "00-1a-2b-3c-4d-5e")]
    [InlineData("MAC_ADDRESS", "cisco 001a.2b3c.4d5e up", "001a.2b3c.4d5e")]
    [InlineData("US_BANK_ROUTING", "routing number 021000021", "021000021")]
    [InlineData("US_BANK_ROUTING", "ABA: 011000015, account 12345", "011000015")]
    [InlineData("CRYPTO_WALLET", "btc 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 thanks", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2")]
    [InlineData("CRYPTO_WALLET", "p2sh 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy")]
    [InlineData("CRYPTO_WALLET", "segwit bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq.", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq")]
    [InlineData("CRYPTO_WALLET", "SEGWIT BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4")]
    [InlineData("CRYPTO_WALLET", "taproot bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr", "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr")]
    [InlineData("CRYPTO_WALLET", "eth 0x52908400098527886E0F7030069857D2E4169EE7", "0x52908400098527886E0F7030069857D2E4169EE7")]
    [InlineData("UK_NHS", "NHS number 943 476 5919", "943 476 5919")]
    [InlineData("UK_NHS", "patient 401-023-2137 seen", "401-023-2137")]
    [InlineData("UK_NHS", "nhs no: 4857773457", "4857773457")]
    [InlineData("URL_WITH_CREDENTIALS", "DATABASE_URL=postgres://admin:s3cr3t@db.example.com:5432/app", "postgres://admin:s3cr3t@db.example.com:5432")]
    [InlineData("URL_WITH_CREDENTIALS", "fetch https://user:p%40ss@example.org/path", "https://user:p%40ss@example.org")]
    [InlineData("URL_WITH_CREDENTIALS", "redis://default:hunter2@cache-01.internal", "redis://default:hunter2@cache-01.internal")]
    [InlineData("AWS_ACCESS_KEY", "key AKIAIOSFODNN7EXAMPLE in config", "AKIAIOSFODNN7EXAMPLE")]
    [InlineData("AWS_ACCESS_KEY", "temp ASIAY34FZKBOKMUTVV7A", "ASIAY34FZKBOKMUTVV7A")]
    [InlineData("AWS_SECRET_KEY", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
    [InlineData("AWS_SECRET_KEY", "my AWS secret is 9FveqizK7c0rUVdBDk3uSvKzT0MKBzRH3mNsDoBs.", "9FveqizK7c0rUVdBDk3uSvKzT0MKBzRH3mNsDoBs")]
    [InlineData("GITHUB_TOKEN", "token ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d ok", "ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d")]
    [InlineData("GITHUB_TOKEN", "GH_TOKEN=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", "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")]
    [InlineData("OPENAI_API_KEY", "OPENAI_API_KEY=sk-proj-ORS-6ilI8ihN5KXSc7Tvo-hBKqFYY-kv5ZJr3J1TR4y9ojfljoQoaF1LlqsajAIx", "sk-proj-ORS-6ilI8ihN5KXSc7Tvo-hBKqFYY-kv5ZJr3J1TR4y9ojfljoQoaF1LlqsajAIx")]
    [InlineData("OPENAI_API_KEY", "legacy 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 here", "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")]
    [InlineData("SLACK_TOKEN", "bot xoxb-010928159013-9624595711777-EtfjgVvVqE1SkHbn88HxjSI6 ok", "xoxb-010928159013-9624595711777-EtfjgVvVqE1SkHbn88HxjSI6")]
    [InlineData("JWT", "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.dMlHUvTCQCyEZDz-TddJ8HyS5SUkCnD8zRA9a9SkpXz", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.dMlHUvTCQCyEZDz-TddJ8HyS5SUkCnD8zRA9a9SkpXz")]
    [InlineData("DATE_OF_BIRTH", "I was born on 1990-05-17 in Ohio", "1990-05-17")]
    [InlineData("DATE_OF_BIRTH", "DOB: 05/17/1990", "05/17/1990")]
    [InlineData("DATE_OF_BIRTH", "date of birth 17.05.1990", "17.05.1990")]
    [InlineData("DATE_OF_BIRTH", "her birthday is March 5, 1990.", "March 5, 1990")]
    [InlineData("DATE_OF_BIRTH", "born 5 Sept 1990", "5 Sept 1990")]
    public void Detect_BuiltInEntity_IsFoundWithExactSpan(string entity, string text, string expected)
    {
        Assert.Equal([new Found(entity, expected)], BuiltInDetector.Detect(text));
    }

    [Theory]
    [InlineData("-----BEGIN PRIVATE KEY-----\n" + PemBody + "-----END PRIVATE KEY-----", "")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,3F17F5316E2BAC89\n\n" + PemBody + "-----END RSA PRIVATE KEY-----", "")]
    [InlineData("-----BEGIN OPENSSH PRIVATE KEY-----\n" + PemBody + "-----END OPENSSH PRIVATE KEY-----", "")]
    [InlineData("-----BEGIN EC PRIVATE KEY-----\n" + PemBody, "")]
    public void Detect_PrivateKeyBlock_CoversWholeBlock(string block, string unused)
    {
        _ = unused;
        var text = "here is my key:\n" + block + "\nthanks";
        var found = BuiltInDetector.Detect(text);
        var expected = block.EndsWith("-----", StringComparison.Ordinal) ? block : block + "\nthanks";
        Assert.Equal([new Found("PRIVATE_KEY", expected)], found);
    }

    [Theory]
    [InlineData("Order ORD-2024-000123 shipped on 2026-12-03T15:56:17Z")]
    [InlineData("request id 123e4567-e89b-12d3-a456-426614174000 and 550E8400-E29B-41D4-A716-446655440000")]
    [InlineData("upgrade to version 1.2.3 or v10.0.401 (build 10.0.19041.1)")]
    [InlineData("fixed in commit 3f786850e387550fdab836ed7e6dc881de23001b")]
    [InlineData("aws secret rotated in 3f786850e387550fdab836ed7e6dc881de23001b")]
    [InlineData("the total is $1,234.56 including tax, or 1 234,56 EUR")]
    [InlineData("reference 4111111111111112 is not a card")]
    [InlineData("grouped 4111 1111 1111 1112 is not a card")]
    [InlineData("IBAN DE88370400440532013000 has bad check digits")]
    [InlineData("IBAN DE88 3704 0044 0532 0130 00 has bad check digits")]
    [InlineData("IBAN XX89370400440532013000 has no country")]
    [InlineData("ids 000-12-3456, 666-12-3456, 912-34-5678, 123-00-4567, 123-45-0000")]
    [InlineData("SSN 000123456 or ssn 666123456")]
    [InlineData("Meeting at 10:30:15 on 03.12.2026, or 12/03/2026")]
    [InlineData("routing 123456789")]
    [InlineData("order number 100234567 and ticket 4857773457")]
    [InlineData("std::vector<int> v; a[::2]; Foo::Bar")]
    [InlineData("icon@2x.png and logo@3x.jpeg")]
    [InlineData("epoch 1733240177000 and 1733240177")]
    [InlineData("pi is 3.14159 and e is 2.71828")]
    [InlineData("use sk-learn-is-a-great-library-for-everyone-today")]
    [InlineData("placeholder xoxb-your-token-here and ghp_short")]
    [InlineData("ISBN 978-3-16-148410-0")]
    [InlineData("versions 1.2.3.4.5 and 0.9.1.2 and 1.2.3.4.5.6.7.8")]
    [InlineData("null mac 00:00:00:00:00:00 and broadcast ff:ff:ff:ff:ff:ff")]
    [InlineData("count 1234.5678.9012")]
    [InlineData("born in 2026-12-03T15:56:17Z logs")]
    [InlineData("birthday 1990-02-30 is impossible")]
    [InlineData("btc 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3 has a bad checksum")]
    [InlineData("zero address 0x0000000000000000000000000000000000000000")]
    [InlineData("eyJub3QiOiJhIGp3dCJ9 alone is not a token")]
    [InlineData("nhs 401-023-2138 has a bad check digit")]
    [InlineData("a-412-555-0132-b")]
    public void Detect_LookAlike_FindsNothing(string text)
    {
        Assert.Empty(BuiltInDetector.Detect(text));
    }

    [Fact]
    public void All_HasEveryEntityOnceInDeclaredOrder()
    {
        string[] expected =
        [
            "PRIVATE_KEY", "JWT", "URL_WITH_CREDENTIALS", "AWS_ACCESS_KEY", "GITHUB_TOKEN", "OPENAI_API_KEY", "SLACK_TOKEN",
            "AWS_SECRET_KEY", "CRYPTO_WALLET", "EMAIL_ADDRESS", "IBAN_CODE", "CREDIT_CARD", "US_BANK_ROUTING", "US_SSN",
            "UK_NHS", "DATE_OF_BIRTH", "IP_ADDRESS", "MAC_ADDRESS", "PHONE_NUMBER", "PERSON",
        ];
        Assert.Equal(expected, BuiltInEntities.All.Select(e => e.Name));
    }

    [Fact]
    public void All_EveryEntityButPersonHasPatterns()
    {
        foreach (var entity in BuiltInEntities.All)
        {
            if (entity.Name == "PERSON")
            {
                Assert.Empty(entity.Patterns);
            }
            else
            {
                Assert.NotEmpty(entity.Patterns);
            }
        }
    }

    [Fact]
    public void All_PatternsHaveMatchingGeneratedRegexAndPassSyntaxCheck()
    {
        foreach (var entity in BuiltInEntities.All)
        {
            foreach (var pattern in entity.Patterns)
            {
                Assert.NotNull(pattern.Generated);
                var regex = pattern.Generated();
                Assert.Equal(pattern.Expression, regex.ToString());
                Assert.Equal(System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.ExplicitCapture, regex.Options);
                Assert.False(pattern.CaseInsensitive);
                Assert.Null(PatternSyntax.Validate(pattern.Expression));
            }
        }
    }

    [Fact]
    public void All_FieldNamesAreNormalizedAndUnique()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entity in BuiltInEntities.All)
        {
            foreach (var field in entity.FieldNames)
            {
                Assert.Equal(field, BuiltInEntities.NormalizeFieldName(field));
                Assert.True(seen.Add(field), $"{field} is listed twice");
            }
        }
    }

    [Theory]
    [InlineData("PERSON", "firstname")]
    [InlineData("PERSON", "lastname")]
    [InlineData("PERSON", "patientname")]
    [InlineData("PERSON", "maidenname")]
    [InlineData("DATE_OF_BIRTH", "dob")]
    [InlineData("DATE_OF_BIRTH", "dateofbirthutc")]
    [InlineData("US_SSN", "socialsecuritynumber")]
    [InlineData("CREDIT_CARD", "cardnumber")]
    [InlineData("IBAN_CODE", "iban")]
    public void FieldNames_IncludeKnownNames(string entity, string field)
    {
        Assert.True(BuiltInEntities.TryGet(entity, out var e));
        Assert.Contains(field, e.FieldNames);
    }

    [Fact]
    public void FieldNames_PersonLeavesOutBareName()
    {
        Assert.True(BuiltInEntities.TryGet("PERSON", out var person));
        Assert.DoesNotContain("name", person.FieldNames);
    }

    [Fact]
    public void TryGet_UnknownName_ReturnsFalse()
    {
        Assert.False(BuiltInEntities.TryGet("email_address", out var entity));
        Assert.Null(entity);
        Assert.True(BuiltInEntities.TryGet("EMAIL_ADDRESS", out entity));
        Assert.Equal("EMAIL_ADDRESS", entity.Name);
    }

    [Theory]
    [InlineData("date_of_birth", "dateofbirth")]
    [InlineData("DateOfBirth", "dateofbirth")]
    [InlineData("Date-Of Birth", "dateofbirth")]
    [InlineData("SSN", "ssn")]
    [InlineData("", "")]
    [InlineData("Straße", "straße")]
    public void NormalizeFieldName_LowersAsciiAndDropsSeparators(string name, string expected)
    {
        Assert.Equal(expected, BuiltInEntities.NormalizeFieldName(name));
    }

    [Fact]
    public void NormalizeFieldName_LongName_IsNormalized()
    {
        var name = string.Concat(Enumerable.Repeat("First_Name-", 30));
        Assert.Equal(string.Concat(Enumerable.Repeat("firstname", 30)), BuiltInEntities.NormalizeFieldName(name));
    }
}
