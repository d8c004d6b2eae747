from django import forms


class TokenForm(forms.Form):
    otp_token = forms.CharField(
        label="Six-digit code",
        max_length=10,
        help_text="The code your authenticator app shows now. It changes every 30 seconds.",
        error_messages={"required": "Enter the six-digit code from your authenticator app."},
    )

    def clean_otp_token(self):
        token = "".join(self.cleaned_data["otp_token"].split())
        if not token.isdigit() or len(token) != 6:
            raise forms.ValidationError("Enter the six digits the app shows, for example 123456.")
        return token
